package io.visitorprofiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.WholeTopic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on a real cluster through {@code ./vp up}: three brokers (replication factor 3, min ISR
 * 2) and two profiler-streams instances with a standby replica. Visitors posted to the gateway in
 * rounds; both instances take a share; then one instance and later one broker are SIGKILLed in the
 * middle of the run. Every visitor must end with exactly the segment changes its events call for —
 * none lost, none twice — and the survivor must hold every profile, each event counted once.
 */
class ScaleOutIT {
  private static final int VISITORS = 240;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BROWSER =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36";

  @TempDir static Path state;
  private static LocalStackLauncher stack;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String run = "v-scale-" + Long.toString(System.nanoTime(), 36) + "-";

  @BeforeAll
  static void start() throws Exception {
    stack =
        new LocalStackLauncher(
            state,
            Map.of(
                "VP_LOCAL_BROKERS", "3",
                "VP_LOCAL_PROFILERS", "2",
                // Fail-over within seconds rather than the default 45 s session timeout.
                "VP_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "VP_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.vp(Duration.ofMinutes(3), "down");
    }
  }

  @Test
  void workIsSplitAndAKilledInstanceOrBrokerLosesAndDuplicatesNothing() throws Exception {
    LocalStackLauncher.Result up =
        stack.vp(Duration.ofMinutes(5), "up", "kafka", "registry", "profiler", "gateway");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains("kafka-3", "profiler-2", "replication factor 3");

    define("scale-pages", "visitor.pageViews >= 3");
    define("scale-small-cart", "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0");

    postRound(i -> pageView(i, "/"));
    postRound(i -> pageView(i, "/products/cups"));
    awaitBothInstancesProcessed();

    stack.kill("profiler-2");
    postRound(i -> pageView(i, "/cart") + "," + cart(i, 24.0));

    stack.kill("kafka-3");
    postRound(i -> cart(i, 80.0));

    Map<String, List<String>> changes = segmentChanges(3 * VISITORS);
    List<String> expected =
        List.of("scale-pages ENTERED", "scale-small-cart ENTERED", "scale-small-cart EXITED");
    Map<String, String> wrong = new TreeMap<>();
    for (int i = 0; i < VISITORS; i++) {
      List<String> actual = changes.getOrDefault(visitor(i), List.of());
      if (!actual.equals(expected)) {
        wrong.put(visitor(i), actual + " profile " + visitorOn(1, visitor(i)).path("profile"));
      }
    }
    if (!wrong.isEmpty()) {
      keepLogs();
    }
    assertThat(wrong).as("visitors whose changes are not exactly %s", expected).isEmpty();
    assertThat(changes).as("no visitor has changes it should not have").hasSize(VISITORS);

    // The survivor holds every profile (restored from its standby), each page view counted once.
    for (int i = 0; i < VISITORS; i += 12) {
      JsonNode profile = visitorOn(1, visitor(i));
      assertThat(profile.path("profile").path("pageViews").asInt())
          .as("page views of %s on the survivor: %s", visitor(i), profile)
          .isEqualTo(3);
    }
  }

  /** The stack's logs to target/scale-out-logs, for the failure's diagnosis. */
  private static void keepLogs() throws java.io.IOException {
    Path target = Path.of("target/scale-out-logs");
    java.nio.file.Files.createDirectories(target);
    try (var logs = java.nio.file.Files.list(state.resolve("logs"))) {
      for (Path log : logs.toList()) {
        java.nio.file.Files.copy(
            log,
            target.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private String visitor(int i) {
    return run + i;
  }

  private String pageView(int i, String path) {
    return """
        {"type": "page_view", "visitorId": "%s", "url": "http://127.0.0.1/shop%s"}"""
        .formatted(visitor(i), path);
  }

  private String cart(int i, double value) {
    return """
        {"type": "cart_updated", "visitorId": "%s",
         "items": [{"sku": "CUPS-6", "price": %s, "quantity": 1}], "value": %s, "currency": "USD"}"""
        .formatted(visitor(i), value, value);
  }

  private void define(String id, String condition) throws Exception {
    String body =
        """
        {"siteId": "demo", "name": "%s", "label": "%s", "color": "#1565c0", "priority": 10,
         "minDwellSeconds": 0, "condition": "%s"}"""
            .formatted(id, id, condition);
    HttpResponse<String> saved =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + stack.profilerPort(1) + "/v1/segments/" + id))
                .header("Authorization", "Bearer demo-admin")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);
  }

  /** Every visitor's events of a round, 20 visitors per request, retried like the tracker. */
  private void postRound(java.util.function.IntFunction<String> events) throws Exception {
    for (int from = 0; from < VISITORS; from += 20) {
      List<String> batch = new ArrayList<>();
      for (int i = from; i < Math.min(VISITORS, from + 20); i++) {
        batch.add(events.apply(i));
      }
      post("{\"events\": [" + String.join(",", batch) + "]}");
    }
  }

  /** Posts until the gateway answers 202; 503 and 429 are retried (up to 180 times). */
  private void post(String body) throws Exception {
    String last = "no answer";
    for (int attempt = 0; attempt < 180; attempt++) {
      HttpResponse<String> answer;
      try {
        answer =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + stack.gatewayPort() + "/v1/events"))
                    .header("User-Agent", BROWSER)
                    .header("Authorization", "Bearer demo-key")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        answer = null;
      }
      if (answer != null && answer.statusCode() == 202) {
        return;
      }
      assertThat(answer == null || answer.statusCode() == 503 || answer.statusCode() == 429)
          .as("the gateway's answer: %s", answer == null ? "no answer" : answer.body())
          .isTrue();
      last = answer == null ? "no answer" : answer.statusCode() + " " + answer.body();
      Thread.sleep(500);
    }
    throw new AssertionError("the gateway never answered 202; last answer: " + last);
  }

  /** Both instances have processed events: the partitions are split between them. */
  private void awaitBothInstancesProcessed() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    double first = 0;
    double second = 0;
    while (System.nanoTime() < deadline) {
      first = eventsProcessed(1);
      second = eventsProcessed(2);
      if (first > 0 && second > 0 && first + second >= 2 * VISITORS) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(first).as("events processed by profiler 1").isPositive();
    assertThat(second).as("events processed by profiler 2").isPositive();
  }

  private static final Pattern EVENTS =
      Pattern.compile("(?m)^profiler_events_total\\{[^}]*} (\\S+)$");

  private double eventsProcessed(int instance) throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + stack.profilerPort(instance) + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double total = 0;
    Matcher m = EVENTS.matcher(metrics);
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private JsonNode visitorOn(int instance, String visitorId) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + stack.profilerPort(instance)
                            + "/v1/visitors/"
                            + visitorId))
                .header("Authorization", "Bearer demo-admin")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  /**
   * The committed segment changes of this run's visitors, in topic order per visitor; reads until
   * {@code expected} arrived and then a while longer, so that a duplicate would be seen.
   */
  private Map<String, List<String>> segmentChanges(int expected) {
    AvroDeserializer<SegmentChange> values = new AvroDeserializer<>(SegmentChange.class);
    values.configure(Map.of(SchemaRegistryConfig.URL, stack.registryUrl()), false);
    Map<String, List<String>> byVisitor = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                stack.bootstrapServers(3),
                "isolation.level",
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      WholeTopic.assignFromStart(consumer, Topics.SEGMENT_CHANGES.name());
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          SegmentChange change = values.deserialize(record.topic(), record.value());
          if (change.getVisitorId().startsWith(run)) {
            byVisitor
                .computeIfAbsent(change.getVisitorId(), v -> new ArrayList<>())
                .add(change.getSegmentId() + " " + change.getTransition());
            seen++;
          }
        }
        if (seen >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        }
      }
    }
    return byVisitor;
  }
}
