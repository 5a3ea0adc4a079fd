package io.visitorprofiler.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.visitorprofiler.notifier.Main;
import io.visitorprofiler.notifier.NotifierSettings;
import io.visitorprofiler.notifier.webhook.WebhookSignature;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationOutcome;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.InvitationSettings;
import io.visitorprofiler.schemas.InvitationVariant;
import io.visitorprofiler.schemas.NotifySettings;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier on a real KRaft broker and Apicurio: a segment change becomes an alert on the
 * agent's open stream within a second, muted segments do not pop up, a visitor is alerted once per
 * window, and a reconnecting console gets what it missed.
 */
class NotifierAlertsIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path dir;

  private static HttpResponse<String> muteVip(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + notifier.port() + "/v1/agents/agent-1/mutes/vip"))
            .header("Authorization", "Bearer demo-agent")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static KafkaProducer<String, SpecificRecord> producer;
  private static Main.Notifier notifier;
  private static final String SECRET = "webhook-secret-0123456789";
  private static HttpServer receiver;

  /** Requests the webhook receiver got, per delivery id: attempt, timestamp, signature, body. */
  private static final Map<String, List<String[]>> deliveries = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    kafka.createCatalogTopics();
    producer = avroProducer(kafka, registry);
    producer
        .send(
            new ProducerRecord<>(
                Topics.SEGMENT_DEFINITIONS.name(),
                "vip",
                new SegmentDefinition(
                    "vip",
                    "demo",
                    "VIP customers",
                    "VIP",
                    "#6a1b9a",
                    90,
                    true,
                    "visitor.purchases.count > 3",
                    1L,
                    null,
                    new NotifySettings(List.of("agent-1"), List.of(), true, true),
                    null,
                    Instant.now(),
                    "test")))
        .get();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/flaky",
        exchange -> {
          String id = exchange.getRequestHeaders().getFirst("X-VP-Delivery");
          byte[] body = exchange.getRequestBody().readAllBytes();
          List<String[]> seen = deliveries.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
          seen.add(
              new String[] {
                exchange.getRequestHeaders().getFirst("X-VP-Attempt"),
                exchange.getRequestHeaders().getFirst("X-VP-Timestamp"),
                exchange.getRequestHeaders().getFirst("X-VP-Signature"),
                new String(body, StandardCharsets.UTF_8)
              });
          exchange.sendResponseHeaders(seen.size() <= 2 ? 500 : 204, -1); // fails twice
          exchange.close();
        });
    receiver.start();
    producer
        .send(
            new ProducerRecord<>(
                Topics.SEGMENT_DEFINITIONS.name(),
                "small-carts",
                new SegmentDefinition(
                    "small-carts",
                    "demo",
                    "Small carts",
                    "Cart < $50",
                    "#e65100",
                    40,
                    true,
                    "visitor.cart.value < 50.0",
                    1L,
                    null,
                    null,
                    new InvitationSettings(
                        "Need a hand, {name}?",
                        30,
                        List.of(
                            new InvitationVariant(
                                "A",
                                "Hi {name}, add ${freeShippingGap} more for free shipping!",
                                1))),
                    Instant.now(),
                    "test")))
        .get();
    Map<String, String> env = new HashMap<>();
    env.put(
        "VP_NOTIFIER_WEBHOOKS",
        "vip|"
            + SECRET
            + "|http://127.0.0.1:"
            + receiver.getAddress().getPort()
            + "/flaky;"
            + "dead-seg|"
            + SECRET
            + "|http://127.0.0.1:1/nobody-listens");
    env.put("VP_NOTIFIER_WEBHOOK_ATTEMPTS", "3");
    env.put("VP_NOTIFIER_WEBHOOK_BACKOFF", "100ms");
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("VP_SCHEMA_REGISTRY_URL", registry.url());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_NOTIFIER_PROFILER_URL", "http://127.0.0.1:1"); // no profiler in this test
    env.put("VP_NOTIFIER_AGENTS", "agent-1:demo-agent:sales;agent-2:other-token:support");
    env.put("VP_NOTIFIER_MUTE_FILE", dir.resolve("mutes.json").toString());
    notifier = Main.Notifier.start(NotifierSettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:" + notifier.port() + "/health/ready"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  @AfterAll
  static void stop() {
    notifier.close();
    receiver.stop(0);
    producer.close();
  }

  private static SegmentChange entered(String visitor) {
    Instant now = Instant.now();
    return new SegmentChange(
        "chg-" + visitor + "-" + now.toEpochMilli(),
        visitor,
        "demo",
        "vip",
        "VIP customers",
        1L,
        Transition.ENTERED,
        90,
        ChangeCause.EVENT,
        "e-1",
        now,
        now,
        List.of(),
        new ProfileSnapshot("Miami", "US", "https://shop.test/", 120.0, "USD", 7, "Ada"));
  }

  private static long append(SegmentChange change) throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), change.getVisitorId(), change))
        .get();
    return System.nanoTime();
  }

  @Test
  void alertsReachTheAgentOnceMutesHoldAndAReconnectGetsWhatWasMissed() throws Exception {
    HttpResponse<String> mutes =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + notifier.port()
                            + "/v1/agents/agent-1/mutes?token=demo-agent"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(mutes.statusCode()).as(mutes.body()).isEqualTo(200);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread console = stream("agent-1", "demo-agent", null, lines);
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
    Thread.sleep(1000); // the feed starts at the end of the topic: let it get there

    long appended = append(entered("v-ada"));
    Map<String, String> event = nextEvent(lines, Duration.ofSeconds(1));
    long elapsedMs = (System.nanoTime() - appended) / 1_000_000;
    assertThat(event)
        .as("an alert within a second of the append (took %d ms)", elapsedMs)
        .isNotNull();
    JsonNode alert = JSON.readTree(event.get("data"));
    assertThat(event.get("event")).isEqualTo("alert");
    assertThat(alert.get("visitorLabel").asText()).isEqualTo("Ada");
    assertThat(alert.get("label").asText()).isEqualTo("VIP");
    assertThat(alert.get("color").asText()).isEqualTo("#6a1b9a");
    assertThat(alert.get("city").asText()).isEqualTo("Miami");
    assertThat(alert.get("popup").asBoolean()).isTrue();
    assertThat(alert.get("sound").asBoolean()).isTrue();

    // The same visitor again within the window: no second alert. The agent mutes the pop-up.
    append(entered("v-ada"));
    assertThat(muteVip("{\"popupMuted\": true}").statusCode()).isEqualTo(200);
    for (String bad :
        List.of("{", "null", "[true]", "{\"popupMuted\": \"true\"}", "{\"popupMute\": true}")) {
      assertThat(muteVip(bad).statusCode()).as(bad).isEqualTo(400);
    }
    append(entered("v-bob"));
    JsonNode quiet = JSON.readTree(nextEvent(lines, Duration.ofSeconds(5)).get("data"));
    assertThat(quiet.get("visitorId").asText()).isEqualTo("v-bob");
    assertThat(quiet.get("popup").asBoolean()).isFalse();
    assertThat(quiet.get("sound").asBoolean()).isTrue();
    long lastSeen = quiet.get("id").asLong();
    console.interrupt();

    // Missed while away, delivered on reconnect with Last-Event-ID.
    append(entered("v-cid"));
    Thread.sleep(500);
    BlockingQueue<String> again = new LinkedBlockingQueue<>();
    Thread second = stream("agent-1", "demo-agent", String.valueOf(lastSeen), again);
    assertThat(again.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
    JsonNode missed = JSON.readTree(nextEvent(again, Duration.ofSeconds(5)).get("data"));
    assertThat(missed.get("visitorId").asText()).isEqualTo("v-cid");
    second.interrupt();

    // An agent the segment does not name gets nothing; a wrong token is refused.
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + notifier.port()
                            + "/v1/agents/agent-2/alerts?token=demo-agent"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
  }

  @Test
  void aWebhookThatFailsTwiceGetsTheChangeOnTheThirdTryWithAValidSignature() throws Exception {
    SegmentChange exit = entered("v-hook");
    exit.setTransition(Transition.EXITED);
    exit.setChangeId("chg-hook-exit");
    append(exit);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> deliveries.getOrDefault("chg-hook-exit", List.of()).size() == 3);
    List<String[]> attempts = deliveries.get("chg-hook-exit");
    assertThat(attempts).extracting(a -> a[0]).containsExactly("1", "2", "3");
    String[] third = attempts.get(2);
    assertThat(
            WebhookSignature.verify(
                SECRET,
                Long.parseLong(third[1]),
                third[3].getBytes(StandardCharsets.UTF_8),
                third[2]))
        .isTrue();
    assertThat(
            WebhookSignature.verify(
                "not-the-secret-at-all",
                Long.parseLong(third[1]),
                third[3].getBytes(StandardCharsets.UTF_8),
                third[2]))
        .isFalse();
    JsonNode body = JSON.readTree(third[3]);
    assertThat(body.get("transition").asText()).isEqualTo("EXITED");
    assertThat(body.get("visitorId").asText()).isEqualTo("v-hook");
  }

  @Test
  void aVisitorEnteringASegmentWithAnInvitationIsInvitedWhileAnAgentIsOnline() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread console = stream("agent-1", "demo-agent", null, lines);
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
    Thread.sleep(1000); // the feed starts at the end of the topic
    SegmentChange change = entered("v-shopper");
    change.setSegmentId("small-carts");
    change.setChangeId("chg-shopper");
    change.getSnapshot().setCartValue(24.0);
    append(change);
    AvroDeserializer<Invitation> invitations = new AvroDeserializer<>(Invitation.class);
    invitations.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    try {
      Invitation found =
          kafka
              .firstRecord(
                  Topics.INVITATIONS.name(),
                  r -> "v-shopper".equals(r.key()),
                  Duration.ofSeconds(20))
              .map(r -> invitations.deserialize(r.topic(), r.value()))
              .orElse(null);
      assertThat(found).isNotNull();
      assertThat(found.getSegmentId()).isEqualTo("small-carts");
      assertThat(found.getVariantId()).isEqualTo("A");
      assertThat(found.getMessage()).isEqualTo("Hi Ada, add $26.00 more for free shipping!");
      assertThat(found.getExpiresAt()).isAfter(found.getCreatedAt());

      // The visitor accepts on the page; the answer comes back through the clickstream.
      Instant now = Instant.now();
      producer
          .send(
              new ProducerRecord<>(
                  Topics.CLICKSTREAM.name(),
                  "v-shopper",
                  new ClickstreamEvent(
                      "answer-1",
                      "demo",
                      "v-shopper",
                      now,
                      new EventContext(
                          now,
                          now,
                          0L,
                          null,
                          null,
                          new Device(null, null, null, false),
                          new Geo(null, null, null, null, null),
                          null,
                          new Privacy(false, false, false),
                          null),
                      new InvitationResponse(found.getInvitationId(), InvitationOutcome.ACCEPTED))))
          .get();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + notifier.port() + "/metrics"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()
                      .lines()
                      .anyMatch(
                          l ->
                              l.startsWith("vp_notifier_invitations_answered_total")
                                  && l.contains("outcome=\"accepted\"")
                                  && l.contains("segment=\"small-carts\"")
                                  && l.contains("variant=\"A\"")
                                  && l.endsWith(" 1.0")));
    } finally {
      console.interrupt();
    }
  }

  @Test
  void aDeadEndpointEndsInTheDeadLetterWithTheReason() throws Exception {
    SegmentChange change = entered("v-dead");
    change.setSegmentId("dead-seg");
    change.setChangeId("chg-dead");
    append(change);
    AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class);
    letters.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    DeadLetter found =
        kafka
            .firstRecord(
                Topics.DEAD_LETTER.name(), r -> "chg-dead".equals(r.key()), Duration.ofSeconds(30))
            .map(r -> letters.deserialize(r.topic(), r.value()))
            .orElse(null);
    assertThat(found).isNotNull();
    assertThat(found.getService()).isEqualTo("notifier-webhooks");
    assertThat(found.getReason()).startsWith("webhook failed after 3 attempts");
  }

  /** A producer of our Avro records in the wire format (also used by ConsoleBrowserIT). */
  static KafkaProducer<String, SpecificRecord> avroProducer(
      KafkaClusterExtension kafka, SchemaRegistryExtension registry) {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(SchemaRegistryConfig.URL, registry.url());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(props, false); // a serializer instance is not configured by the producer
    return new KafkaProducer<>(props, new StringSerializer(), values);
  }

  /** The fields of the next server-sent event, or null when none comes within {@code wait}. */
  private static Map<String, String> nextEvent(BlockingQueue<String> lines, Duration wait)
      throws InterruptedException {
    Map<String, String> fields = new HashMap<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        return null;
      }
      if (line.isEmpty() && !fields.isEmpty()) {
        return fields;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
  }

  private static Thread stream(
      String agent, String token, String lastEventId, BlockingQueue<String> lines) {
    return Thread.ofVirtual()
        .start(
            () -> {
              HttpRequest.Builder request =
                  HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + notifier.port()
                              + "/v1/agents/"
                              + agent
                              + "/alerts?token="
                              + token));
              request.header("Accept", "text/event-stream"); // as EventSource sends it
              if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
              }
              try {
                HttpResponse<InputStream> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                System.err.println(
                    "DEBUG stream status "
                        + response.statusCode()
                        + " "
                        + response.headers().map());
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line.trim());
                  }
                }
              } catch (Exception e) {
                // interrupted or closed
              }
            });
  }
}
