package io.visitorprofiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicSpec;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vp up}, {@code status} and {@code down} for real: the broker and registry run as their
 * own processes on free ports with their state in a temporary folder, so a developer's running
 * stack is not touched.
 */
class LocalStackIT {
  @TempDir static Path state;
  private static int kafkaPort;
  private static int controllerPort;
  private static int registryPort;
  private static int profilerPort;
  private static int gatewayPort;
  private static int sinkPort;
  private static int notifierPort;

  record Result(int exitCode, String output) {}

  @BeforeAll
  static void ports() throws IOException {
    // Below the ephemeral range, like every stack the system tests start: a port picked inside it
    // can be taken by an outgoing connection before the component binds it (a CI run lost the
    // sink's port that way).
    int block = LocalStackLauncher.freeBlock();
    kafkaPort = block;
    controllerPort = block + 1;
    registryPort = block + 2;
    profilerPort = block + 3;
    gatewayPort = block + 4;
    sinkPort = block + 5;
    notifierPort = block + 6;
  }

  @AfterAll
  static void alwaysStop() throws Exception {
    vp("down");
  }

  @Test
  void upStartsAReadyStackWithEveryTopicAndDownLeavesNothingBehind() throws Exception {
    Result up = vp("up");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains("local stack is ready").contains("demo-key");

    TopicCatalog catalog = TopicCatalog.bundled(TopicCatalog.Overrides.NONE);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(catalog.topics().stream().map(TopicSpec::name).toList())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      for (TopicSpec spec : catalog.topics()) {
        assertThat(topics.get(spec.name()).partitions()).hasSize(spec.partitions());
      }
    }
    HttpResponse<String> subjects =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7/subjects"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(subjects.statusCode()).isEqualTo(200);

    Result status = vp("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output())
        .contains("kafka      running")
        .contains("registry   running")
        .contains("profiler   running")
        .contains("gateway    running")
        .contains("sink       running")
        .contains("notifier   running");
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + profilerPort + "/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(Files.list(state.resolve("data/registry")).map(p -> p.getFileName().toString()))
        .as("the registry keeps its schemas in a file")
        .anyMatch(name -> name.endsWith(".mv.db"));

    aVisitPostedToTheGatewayEntersASegment();

    List<Long> pids = new ArrayList<>();
    for (String name : List.of("kafka", "registry", "profiler", "gateway", "sink", "notifier")) {
      pids.add(Long.parseLong(Files.readString(state.resolve("run/" + name + ".pid")).trim()));
    }
    Result again = vp("up");
    assertThat(again.output())
        .contains("kafka already running")
        .contains("registry already running");

    Result down = vp("down");
    assertThat(down.exitCode()).as(down.output()).isZero();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d after down", pid)
          .isFalse();
    }
    for (int port :
        List.of(
            kafkaPort,
            controllerPort,
            registryPort,
            profilerPort,
            gatewayPort,
            sinkPort,
            notifierPort)) {
      assertThat(listening(port)).as("port %d after down", port).isFalse();
    }
    assertThat(vp("status").exitCode()).isNotZero();
  }

  /**
   * The whole pipeline of the local stack: a segment saved through the profiler's admin API, a
   * visit posted to the gateway as tracker.js would, and the ENTERED change on the topic.
   */
  private static void aVisitPostedToTheGatewayEntersASegment() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String segment =
        """
        {"siteId": "demo", "name": "Small carts", "label": "Cart < $50", "color": "#e65100",
         "priority": 40, "enabled": true,
         "condition": "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0"}
        """;
    HttpResponse<String> saved =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + profilerPort + "/v1/segments/small-carts"))
                .header("Authorization", "Bearer demo-admin")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(segment))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);

    String visitor = "v-stack-" + System.nanoTime();
    String events =
        """
        {"events": [
          {"type": "page_view", "visitorId": "%s", "url": "http://127.0.0.1/shop/cups"},
          {"type": "cart_updated", "visitorId": "%s",
           "items": [{"sku": "CUPS-6", "price": 24.0, "quantity": 1}], "value": 24.0, "currency": "USD"}
        ]}
        """
            .formatted(visitor, visitor);
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1/events"))
                // A browser's user agent: Java's own is (rightly) taken for a bot, not profiled.
                .header(
                    "User-Agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36")
                .header("Authorization", "Bearer demo-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(events))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

    AvroDeserializer<SegmentChange> changes = new AvroDeserializer<>(SegmentChange.class);
    changes.configure(
        Map.of(SchemaRegistryConfig.URL, "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7"),
        false);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers", "127.0.0.1:" + kafkaPort,
                "group.id", "local-stack-it",
                "auto.offset.reset", "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.SEGMENT_CHANGES.name()));
      long deadline = System.currentTimeMillis() + 60_000;
      SegmentChange entered = null;
      while (entered == null && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          SegmentChange change = changes.deserialize(record.topic(), record.value());
          if (visitor.equals(change.getVisitorId())) {
            entered = change;
          }
        }
      }
      assertThat(entered).as("a segment change for %s within 60 s", visitor).isNotNull();
      assertThat(entered.getSegmentId()).isEqualTo("small-carts");
      assertThat(entered.getTransition()).isEqualTo(Transition.ENTERED);
    }
    // ...and segment-sink keeps it in its history (embedded PostgreSQL under the state folder).
    HttpRequest history =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + sinkPort
                        + "/v1/visitors/"
                        + visitor
                        + "/segment-history?siteId=demo"))
            .header("Authorization", "Bearer demo-agent")
            .build();
    long deadline = System.currentTimeMillis() + 30_000;
    String body = "";
    while (!body.contains("small-carts") && System.currentTimeMillis() < deadline) {
      body = http.send(history, HttpResponse.BodyHandlers.ofString()).body();
      Thread.sleep(300);
    }
    assertThat(body).contains("\"segmentId\":\"small-carts\"", "ENTERED");

    // A visitor in no segment yet still shows in the agent console's list (from the profiler).
    String browsing = "v-browsing-" + System.nanoTime();
    HttpResponse<String> viewed =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1/events"))
                .header(
                    "User-Agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36")
                .header("Authorization", "Bearer demo-key")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"events\": [{\"type\": \"page_view\", \"visitorId\": \""
                            + browsing
                            + "\", \"url\": \"http://127.0.0.1/shop/tents\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(viewed.statusCode()).isEqualTo(202);
    HttpRequest console =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + notifierPort + "/v1/agents/agent-1/visitors"))
            .header("Authorization", "Bearer demo-agent")
            .build();
    deadline = System.currentTimeMillis() + 30_000;
    String list = "";
    while (!list.contains(browsing) && System.currentTimeMillis() < deadline) {
      list = http.send(console, HttpResponse.BodyHandlers.ofString()).body();
      Thread.sleep(300);
    }
    assertThat(list).contains(browsing, "http://127.0.0.1/shop/tents");

    // The console's history view reads segment-sink through the notifier.
    HttpResponse<String> counts =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + notifierPort
                            + "/v1/agents/agent-1/history/counts?siteId=demo&segmentId=small-carts"))
                .header("Authorization", "Bearer demo-agent")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(counts.statusCode()).as(counts.body()).isEqualTo(200);
    assertThat(counts.body()).contains("\"entered\":1");
  }

  private static Result vp(String command) throws Exception {
    Path script = Path.of(System.getProperty("vp.project.dir", "..")).resolve("vp");
    ProcessBuilder builder =
        new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("VP_STATE_DIR", state.toString());
    env.put("VP_LOCAL_KAFKA_PORT", String.valueOf(kafkaPort));
    env.put("VP_LOCAL_CONTROLLER_PORT", String.valueOf(controllerPort));
    env.put("VP_LOCAL_REGISTRY_PORT", String.valueOf(registryPort));
    env.put("VP_LOCAL_PROFILER_PORT", String.valueOf(profilerPort));
    env.put("VP_LOCAL_GATEWAY_PORT", String.valueOf(gatewayPort));
    env.put("VP_LOCAL_SINK_PORT", String.valueOf(sinkPort));
    env.put("VP_LOCAL_NOTIFIER_PORT", String.valueOf(notifierPort));
    env.keySet().removeIf(k -> k.startsWith("VP_KAFKA_"));
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./vp " + command + " did not finish within 3 minutes");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
