package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * profiler-streams as its own process against a real KRaft broker and the real Apicurio registry:
 * segments through the admin API, changes in the wire format, dead letters, interactive queries,
 * and a SIGKILL in the middle of a stream after which the changes equal those of an uninterrupted
 * run of the same topology.
 */
class ProfilerIT {
  private static final String CRASH_SITE = "crash-site";

  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path state;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void topics() {
    assertThat(kafka.createCatalogTopics().clean()).isTrue();
  }

  private ProfilerProcess profiler(String applicationId) {
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("VP_SCHEMA_REGISTRY_URL", registry.url());
    env.put("VP_PROFILER_APPLICATION_ID", applicationId);
    env.put("VP_PROFILER_STATE_DIR", state.resolve(applicationId).toString());
    // A killed member holds its partitions until its session expires: keep that short here.
    env.put("VP_KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("VP_KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
    return new ProfilerProcess(
        env,
        SchemaRegistryExtension.freePort(),
        Path.of("target", "profiler-it", applicationId + ".log").toAbsolutePath());
  }

  @Test
  void segmentChangesDeadLettersAndVisitorQueriesEndToEnd() throws Exception {
    try (ProfilerProcess profiler = profiler("e2e").start();
        KafkaProducer<String, ClickstreamEvent> producer = producer();
        KafkaConsumer<String, byte[]> changes = consumer(Topics.SEGMENT_CHANGES.name())) {
      put(
          profiler,
          "demo",
          "small-carts",
          40,
          "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0");
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      send(producer, Events.pageView("e2e-1", now, "/cups", "Miami", null));
      send(producer, Events.cart("e2e-1", now.plusSeconds(1), 24.0, "CUPS-6"));

      List<ConsumerRecord<String, byte[]>> entered = poll(changes, 1);
      byte[] raw = entered.getFirst().value();
      assertThat(raw[0]).as("magic byte").isZero();
      SegmentChange change = read(SegmentChange.class, Topics.SEGMENT_CHANGES.name(), raw);
      assertThat(change.getVisitorId()).isEqualTo("e2e-1");
      assertThat(change.getTransition().name()).isEqualTo("ENTERED");
      assertThat(change.getSnapshot().getCartValue()).isEqualTo(24.0);
      assertThat(change.getSnapshot().getCity()).isEqualTo("Miami");

      HttpResponse<String> visitor = get(profiler, "/v1/visitors/e2e-1");
      assertThat(visitor.statusCode()).isEqualTo(200);
      assertThat(visitor.body())
          .contains("\"value\":24.0")
          .contains("\"segmentId\":\"small-carts\"");
      assertThat(get(profiler, "/v1/sites/demo/visitors/online").body()).contains("e2e-1");

      try (KafkaProducer<String, byte[]> raw2 =
              new KafkaProducer<>(
                  kafka.clientProperties(), new StringSerializer(), new ByteArraySerializer());
          KafkaConsumer<String, byte[]> dead = consumer(Topics.DEAD_LETTER.name())) {
        raw2.send(new ProducerRecord<>(Topics.CLICKSTREAM.name(), "e2e-1", "{not avro}".getBytes()))
            .get();
        ConsumerRecord<String, byte[]> letterRecord = poll(dead, 1).getFirst();
        DeadLetter letter = read(DeadLetter.class, Topics.DEAD_LETTER.name(), letterRecord.value());
        assertThat(letter.getOriginTopic()).isEqualTo(Topics.CLICKSTREAM.name());
        assertThat(letter.getReason()).startsWith("cannot read the record");
        assertThat(letterRecord.headers().lastHeader("vp.dlq.reason")).isNotNull();
      }

      send(producer, Events.cart("e2e-1", now.plusSeconds(5), 60.0, "CUPS-6", "PLATES-4"));
      SegmentChange exited =
          read(
              SegmentChange.class,
              Topics.SEGMENT_CHANGES.name(),
              poll(changes, 1).getFirst().value());
      assertThat(exited.getTransition().name())
          .as("processing continued after the bad record")
          .isEqualTo("EXITED");
    }
  }

  @Test
  void aCrashInTheMiddleOfTheStreamNeitherLosesNorDuplicatesAChange() throws Exception {
    ProfilerProcess first = profiler("crash").start();
    List<SegmentDefinition> definitions = new ArrayList<>();
    // A site of its own, so the other test's segments and visitors on the shared topics do not mix.
    String small = "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0";
    definitions.add(put(first, CRASH_SITE, "c-small", 40, small));
    definitions.add(put(first, CRASH_SITE, "c-big", 50, "visitor.cart.value >= 50.0"));
    definitions.add(put(first, CRASH_SITE, "c-cups", 45, "'CUPS-6' in visitor.cart.skus"));
    definitions.add(put(first, CRASH_SITE, "c-miami", 20, "visitor.geo.city == 'Miami'"));

    List<ClickstreamEvent> events =
        scriptedVisitors(150, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    Map<String, List<String>> expected = uninterruptedRun(definitions, events);
    int expectedCount = expected.values().stream().mapToInt(List::size).sum();

    Map<String, List<String>> actual = new LinkedHashMap<>();
    try (KafkaProducer<String, ClickstreamEvent> producer = producer();
        KafkaConsumer<String, byte[]> changes = consumer(Topics.SEGMENT_CHANGES.name())) {
      int half = events.size() / 2;
      for (ClickstreamEvent event : events.subList(0, half)) {
        send(producer, event);
      }
      await() // kill only once this site's changes are flowing: in the middle of the stream
          .atMost(Duration.ofSeconds(60))
          .until(() -> collect(changes, actual, 0) >= 1);
      first.kill();

      for (ClickstreamEvent event : events.subList(half, events.size())) {
        send(producer, event);
      }
      try (ProfilerProcess second = profiler("crash").start()) {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> collect(changes, actual, 0) >= expectedCount);
        collect(changes, actual, 0); // anything late would be a duplicate
      }
    }
    assertThat(actual).isEqualTo(expected);
  }

  /** The same definitions and events through the same topology without any interruption. */
  private static Map<String, List<String>> uninterruptedRun(
      List<SegmentDefinition> definitions, List<ClickstreamEvent> events) {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    try (ProfilerDriver driver = new ProfilerDriver()) {
      definitions.forEach(driver::define);
      events.forEach(driver::send);
      for (SegmentChange c : driver.changeRecords()) {
        expected.computeIfAbsent(c.getVisitorId(), v -> new ArrayList<>()).add(describe(c));
      }
    }
    return expected;
  }

  private static List<ClickstreamEvent> scriptedVisitors(int visitors, Instant start) {
    double[] carts = {20.0, 70.0, 30.0, 45.0, 55.0, 10.0};
    List<ClickstreamEvent> events = new ArrayList<>();
    for (int step = 0; step < 8; step++) {
      for (int v = 0; v < visitors; v++) {
        String id = "c-" + v;
        Instant at = start.plusMillis(step * 1000L + v);
        ClickstreamEvent event =
            switch (step) {
              case 0 -> Events.pageView(id, at, "/", v % 3 == 0 ? "Miami" : "Boston", null);
              case 7 -> Events.purchase(id, at, 42.0);
              default ->
                  (v + step) % 2 == 0
                      ? Events.cart(id, at, carts[(v + step) % carts.length], "CUPS-6")
                      : Events.cart(id, at, carts[(v * step) % carts.length], "PLATES-4");
            };
        event.setSiteId(CRASH_SITE);
        events.add(event);
      }
    }
    return events;
  }

  private static String describe(SegmentChange c) {
    return c.getSegmentId() + " " + c.getTransition() + " " + c.getCauseEventId();
  }

  private int collect(
      KafkaConsumer<String, byte[]> consumer, Map<String, List<String>> into, int atLeast) {
    List<ConsumerRecord<String, byte[]>> records =
        atLeast > 0 ? poll(consumer, atLeast) : new ArrayList<>();
    if (atLeast == 0) {
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      SegmentChange c = read(SegmentChange.class, Topics.SEGMENT_CHANGES.name(), record.value());
      if (!c.getSiteId().equals(CRASH_SITE)) {
        continue;
      }
      into.computeIfAbsent(c.getVisitorId(), v -> new ArrayList<>()).add(describe(c));
    }
    return into.values().stream().mapToInt(List::size).sum();
  }

  private static SegmentDefinition put(
      ProfilerProcess profiler, String site, String id, int priority, String condition)
      throws Exception {
    String body =
        ServiceHttpServer.JSON.writeValueAsString(
            Map.of(
                "siteId", site,
                "name", id,
                "label", id,
                "color", "#336699",
                "priority", priority,
                "condition", condition));
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(profiler.url() + "/v1/segments/" + id))
                .header("Authorization", "Bearer demo-admin")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    var json = ServiceHttpServer.JSON.readTree(answer.body());
    SegmentDefinition definition = Events.segment(id, priority, condition);
    definition.setVersion(json.get("version").asLong());
    definition.setUpdatedAt(Instant.parse(json.get("updatedAt").asText()));
    definition.setColor("#336699");
    definition.setUpdatedBy("admin");
    definition.setSiteId(site);
    return definition;
  }

  private static HttpResponse<String> get(ProfilerProcess profiler, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(profiler.url() + path))
            .header("Authorization", "Bearer demo-admin")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static KafkaProducer<String, ClickstreamEvent> producer() {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(SchemaRegistryConfig.URL, registry.url());
    return new KafkaProducer<>(props, new StringSerializer(), configured(new AvroSerializer<>()));
  }

  private static AvroSerializer<ClickstreamEvent> configured(
      AvroSerializer<ClickstreamEvent> serializer) {
    serializer.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    return serializer;
  }

  private static void send(KafkaProducer<String, ClickstreamEvent> producer, ClickstreamEvent event)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.CLICKSTREAM.name(),
                null,
                event.getEventTime().toEpochMilli(),
                event.getVisitorId(),
                event))
        .get();
  }

  private static KafkaConsumer<String, byte[]> consumer(String topic) {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static List<ConsumerRecord<String, byte[]>> poll(
      KafkaConsumer<String, byte[]> consumer, int count) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(records::add);
              return records.size() >= count;
            });
    return records;
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> T read(
      Class<T> type, String topic, byte[] bytes) {
    AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
    deserializer.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    return deserializer.deserialize(topic, bytes);
  }
}
