package io.visitorprofiler.sink.it;

import static io.visitorprofiler.sink.it.SinkFixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.sink.Main;
import io.visitorprofiler.sink.SinkSettings;
import io.visitorprofiler.sink.consume.SinkLoop;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import io.visitorprofiler.testkit.WholeTopic;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's database itself: the embedded PostgreSQL keeps its data across restarts, and a
 * database that goes away holds the sink (readiness down) without losing a record.
 */
class SinkDatabaseIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path dir;

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static KafkaProducer<String, SpecificRecord> producer;

  @BeforeAll
  static void start() {
    kafka.createCatalogTopics();
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(SchemaRegistryConfig.URL, registry.url());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(props, false);
    producer = new KafkaProducer<>(props, new StringSerializer(), values);
  }

  @AfterAll
  static void stop() {
    producer.close();
  }

  private static Map<String, String> env(String group) {
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("VP_SCHEMA_REGISTRY_URL", registry.url());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_SINK_GROUP_ID", group);
    env.put("VP_SINK_RETRY_BACKOFF", "500ms");
    return env;
  }

  private static void changes(String site, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.SEGMENT_CHANGES.name(),
                  "v" + i,
                  change(site, "v" + i, "vip", Transition.ENTERED, T0.plusSeconds(i))))
          .get();
    }
  }

  private static int historyRows(Main.Sink sink, String site, int visitors) throws Exception {
    int found = 0;
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < visitors; i++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + sink.port()
                              + "/v1/visitors/v"
                              + i
                              + "/segment-history?siteId="
                              + site))
                  .header("Authorization", "Bearer demo-admin")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200 && response.body().contains("ENTERED")) {
        found++;
      }
    }
    return found;
  }

  private static int ready(Main.Sink sink) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void theEmbeddedDatabaseKeepsItsDataAcrossRestarts() throws Exception {
    Map<String, String> env = env("embedded");
    env.put("VP_SINK_EMBEDDED_DATA_DIR", dir.resolve("pg").toString());
    changes("s-embedded", 0, 5);
    try (Main.Sink sink = sink(env)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> historyRows(sink, "s-embedded", 5) == 5);
    }
    // A new consumer group reads nothing old: what the second start shows came from the disk.
    env.put("VP_SINK_GROUP_ID", "embedded-again");
    env.put("VP_KAFKA_AUTO_OFFSET_RESET", "latest");
    try (Main.Sink again = sink(env)) {
      assertThat(historyRows(again, "s-embedded", 5)).isEqualTo(5);
    }
  }

  @Test
  void readinessSaysSoWhenKafkaCannotBeReached() throws Exception {
    Map<String, String> env = env("no-kafka");
    env.put("VP_SINK_EMBEDDED_DATA_DIR", dir.resolve("no-kafka-pg").toString());
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    try (Main.Sink sink = sink(env)) {
      // The loops say "consuming" once subscribed; a poll against no cluster returns nothing.
      Thread.sleep(4_000);
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + sink.port() + "/health/ready"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      assertThat(ready.body()).contains("Kafka unreachable");
    }
  }

  @Test
  void aStartThatFailsLeavesNoDeliveryLoopRunning() throws Exception {
    Map<String, String> env = env("port-taken");
    env.put("VP_SINK_EMBEDDED_DATA_DIR", dir.resolve("port-taken-pg").toString());
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      env.put("VP_HTTP_PORT", String.valueOf(taken.getLocalPort()));
      assertThatThrownBy(() -> sink(env)).isNotNull();
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("sink-loop") && t.isAlive())
        .isEmpty();
  }

  @Test
  void aDatabaseOutageHoldsTheSinkAndLosesNothing() throws Exception {
    Path data = dir.resolve("outage-pg");
    int port = SchemaRegistryExtension.freePort();
    EmbeddedPostgres postgres = start(data, port);
    Map<String, String> env = env("outage");
    // One loop: with two, the second one's late join can rebalance the partitions while the first
    // waits out the outage, and the loop given the partition reads the batch again (at least
    // once), dead-lettering the unreadable record a second time. The count below is per read.
    env.put("VP_SINK_WRITERS", "1");
    env.put("VP_SINK_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
    try (Main.Sink sink = sink(env)) {
      changes("s-outage", 0, 10);
      await().atMost(Duration.ofSeconds(30)).until(() -> historyRows(sink, "s-outage", 10) == 10);

      postgres.close();
      // An unreadable record in the batch the sink waits with (with a readable one, sent in one
      // produce request, so that one fetch has both): one dead letter, not one per retry.
      Map<String, Object> props = new HashMap<>(kafka.clientProperties());
      props.put(SchemaRegistryConfig.URL, registry.url());
      AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
      values.configure(props, false);
      byte[] readable =
          values.serialize(
              Topics.SEGMENT_CHANGES.name(),
              change("s-outage", "v10", "vip", Transition.ENTERED, T0.plusSeconds(10)));
      try (KafkaProducer<byte[], byte[]> raw =
          new KafkaProducer<>(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 1000, "acks", "all"),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        byte[] key = "v10".getBytes(StandardCharsets.UTF_8);
        raw.send(new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), key, new byte[] {9, 9, 9}));
        raw.send(new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), key, readable));
        raw.flush();
      }
      changes("s-outage", 10, 30);
      await().atMost(Duration.ofSeconds(30)).until(() -> ready(sink) == 503);
      Thread.sleep(2_000); // a few retries, 500 ms apart

      postgres = start(data, port);
      await().atMost(Duration.ofSeconds(60)).until(() -> historyRows(sink, "s-outage", 30) == 30);
      await().atMost(Duration.ofSeconds(30)).until(() -> ready(sink) == 200);
      assertThat(metric(sink, "vp_sink_dead_letters_total"))
          .as("dead letters on the topic: %s", deadLetters())
          .isEqualTo(1.0);
    } finally {
      postgres.close();
    }
  }

  /** Every dead letter on the topic, as "partition@offset: reason", for a failure's message. */
  private static List<String> deadLetters() {
    AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class);
    letters.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    List<String> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      WholeTopic.assignFromStart(consumer, Topics.DEAD_LETTER.name());
      ConsumerRecords<byte[], byte[]> batch;
      while (!(batch = consumer.poll(Duration.ofSeconds(2))).isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          DeadLetter letter = letters.deserialize(r.topic(), r.value());
          found.add(
              letter.getOriginPartition()
                  + "@"
                  + letter.getOriginOffset()
                  + ": "
                  + letter.getReason());
        }
      }
    }
    return found;
  }

  private static Main.Sink sink(Map<String, String> env) {
    return Main.Sink.start(
        SinkSettings.fromEnv(new EnvConfig(env)),
        Clock.systemUTC(),
        SinkLoop.AfterDatabaseCommit.NONE);
  }

  /** The sum of a counter's series on the sink's /metrics. */
  private static double metric(Main.Sink sink, String name) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static EmbeddedPostgres start(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
  }
}
