package io.visitorprofiler.sink.it;

import static io.visitorprofiler.sink.it.SinkFixture.change;
import static io.visitorprofiler.sink.it.SinkFixture.click;
import static io.visitorprofiler.sink.it.SinkFixture.message;
import static io.visitorprofiler.sink.it.SinkFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationOutcome;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.PrechatSubmitted;
import io.visitorprofiler.schemas.Purchase;
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
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * segment-sink against a real KRaft broker, the real Apicurio registry and a real PostgreSQL:
 * history, point-in-time transcripts, idempotence under replays and crashes, erasure, dead letters.
 */
class SegmentSinkIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static EmbeddedPostgres postgres;
  private static Main.Sink sink;
  private static KafkaProducer<String, SpecificRecord> producer;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    kafka.createCatalogTopics();
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(SchemaRegistryConfig.URL, registry.url());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(props, false);
    producer = new KafkaProducer<>(props, new StringSerializer(), values);
    sink = startSink("vp-segment-sink", SinkLoop.AfterDatabaseCommit.NONE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sink != null) {
      sink.close();
    }
    producer.close();
    postgres.close();
  }

  private static Map<String, String> env(String group) {
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("VP_SCHEMA_REGISTRY_URL", registry.url());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_SINK_GROUP_ID", group);
    env.put("VP_SINK_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
    env.put("VP_SINK_MAX_POLL_RECORDS", "50");
    return env;
  }

  private static Main.Sink startSink(String group, SinkLoop.AfterDatabaseCommit hook) {
    return Main.Sink.start(
        SinkSettings.fromEnv(new EnvConfig(env(group))), Clock.systemUTC(), hook);
  }

  private static void send(String topic, String key, SpecificRecord value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = request(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> request(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + path))
            .header("Authorization", "Bearer demo-agent")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long count(String sql) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void historyAndMembersFollowAScriptedSequenceOfChanges() throws Exception {
    String site = "s-history";
    send(Topics.SEGMENT_CHANGES.name(), "v1", change(site, "v1", "vip", Transition.ENTERED, T0));
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v1",
        change(site, "v1", "carts", Transition.ENTERED, T0.plusSeconds(60)));
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v1",
        change(site, "v1", "vip", Transition.EXITED, T0.plusSeconds(120)));
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v1",
        change(site, "v1", "vip", Transition.ENTERED, T0.plusSeconds(180)));
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v2",
        change(site, "v2", "vip", Transition.ENTERED, T0.plusSeconds(30)));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> get("/v1/visitors/v1/segment-history?siteId=" + site).get("items").size() == 4);
    JsonNode history = get("/v1/visitors/v1/segment-history?siteId=" + site);
    assertThat(history.get("items").findValuesAsText("transition"))
        .containsExactly("ENTERED", "ENTERED", "EXITED", "ENTERED");
    assertThat(history.get("items").findValuesAsText("segmentId"))
        .containsExactly("vip", "carts", "vip", "vip");

    JsonNode first = get("/v1/visitors/v1/segment-history?siteId=" + site + "&limit=3");
    assertThat(first.get("items")).hasSize(3);
    JsonNode rest =
        get(
            "/v1/visitors/v1/segment-history?siteId="
                + site
                + "&limit=3&after="
                + first.get("next").asText());
    assertThat(rest.get("items").findValuesAsText("transition")).containsExactly("ENTERED");
    assertThat(rest.get("next").isNull()).isTrue();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/v1/segments/vip/members?siteId=" + site).get("items").size() == 2);
    assertThat(
            get("/v1/segments/vip/members?siteId=" + site + "&at=" + T0.plusSeconds(150))
                .get("items")
                .findValuesAsText("visitorId"))
        .containsExactly("v2");
    assertThat(
            get("/v1/segments/vip/members?siteId=" + site + "&at=" + T0.plusSeconds(45))
                .get("items")
                .findValuesAsText("visitorId"))
        .containsExactly("v1", "v2");
    JsonNode counts =
        get(
            "/v1/segments/vip/counts?siteId="
                + site
                + "&from="
                + T0
                + "&to="
                + T0.plus(1, ChronoUnit.HOURS));
    // 10:00 v1 and v2 entered; 10:02 v1 exited; 10:03 v1 entered again.
    assertThat(counts.findValuesAsText("entered")).containsExactly("2", "0", "1");
    assertThat(counts.findValuesAsText("exited")).containsExactly("0", "1", "0");
  }

  @Test
  void transcriptsAreFilteredByTheSegmentsTheVisitorWasInWhenTheChatStarted() throws Exception {
    String site = "s-transcripts";
    // The chats arrive before the segment changes that precede them: point in time still holds.
    send(Topics.CHAT.name(), "v3", started(site, "v3", "c-in", T0.plusSeconds(60)));
    send(
        Topics.CHAT.name(),
        "v3",
        message(site, "v3", "c-in", "m-1", T0.plusSeconds(61), "I am a VIP"));
    send(Topics.CHAT.name(), "v3", started(site, "v3", "c-out", T0.plusSeconds(300)));
    send(
        Topics.CHAT.name(),
        "v3",
        message(site, "v3", "c-out", "m-2", T0.plusSeconds(301), "not anymore"));
    send(Topics.SEGMENT_CHANGES.name(), "v3", change(site, "v3", "vip", Transition.ENTERED, T0));
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v3",
        change(site, "v3", "vip", Transition.EXITED, T0.plusSeconds(200)));

    String range = "&from=" + T0 + "&to=" + T0.plus(1, ChronoUnit.HOURS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get("/v1/transcripts?siteId=" + site + range).get("items").size() == 2
                    && get("/v1/visitors/v3/segment-history?siteId=" + site).get("items").size()
                        == 2);
    JsonNode vip = get("/v1/transcripts?siteId=" + site + "&segmentId=vip" + range);
    assertThat(vip.get("items")).hasSize(1);
    JsonNode chat = vip.get("items").get(0);
    assertThat(chat.get("chatId").asText()).isEqualTo("c-in");
    assertThat(chat.get("segmentsAtStart").get(0).asText()).isEqualTo("vip");
    assertThat(chat.get("events").findValuesAsText("kind"))
        .containsExactly("chat_started", "chat_message");
    assertThat(chat.get("events").get(1).get("text").asText()).isEqualTo("I am a VIP");
  }

  @Test
  void aReplayOfTheSameOffsetsAndACrashBeforeTheOffsetCommitWriteNothingTwice() throws Exception {
    String site = "s-replay";
    for (int i = 0; i < 120; i++) {
      send(
          Topics.SEGMENT_CHANGES.name(),
          "v" + (i % 7),
          change(
              site,
              "v" + (i % 7),
              "seg-" + (i % 3),
              i % 2 == 0 ? Transition.ENTERED : Transition.EXITED,
              T0.plusSeconds(i)));
    }
    String historyCount = "SELECT COUNT(*) FROM membership_history WHERE site_id = '" + site + "'";
    String minuteTotal =
        "SELECT COALESCE(SUM(entered + exited), 0) FROM segment_minute_counts WHERE site_id = '"
            + site
            + "'";
    await().atMost(Duration.ofSeconds(30)).until(() -> count(historyCount) == 120);
    assertThat(count(minuteTotal)).isEqualTo(120);

    // A second sink with a new group reads every offset again into the same database.
    String replayGroup = "replay-" + System.nanoTime();
    try (Main.Sink replay = startSink(replayGroup, SinkLoop.AfterDatabaseCommit.NONE)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> committedEverything(replayGroup));
    }
    assertThat(count(historyCount)).isEqualTo(120);
    assertThat(count(minuteTotal)).isEqualTo(120);

    // A sink that dies after its first database commit and before the offset commit...
    String group = "crash-" + System.nanoTime();
    AtomicBoolean crashed = new AtomicBoolean();
    Main.Sink crashing =
        startSink(
            group,
            records -> {
              if (crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("simulated crash after the database commit");
              }
            });
    // One of its writers dies (with VP_SINK_WRITERS > 1 the others go on until closed).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> crashing.loopThreads().stream().anyMatch(t -> !t.isAlive()));
    crashing.close();
    assertThat(crashed).isTrue();
    // ...and its successor in the same group, which replays that batch.
    try (Main.Sink successor = startSink(group, SinkLoop.AfterDatabaseCommit.NONE)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> committedEverything(group));
    }
    assertThat(count(historyCount)).isEqualTo(120);
    assertThat(count(minuteTotal)).isEqualTo(120);
  }

  /** The group's committed offsets reach the end of every topic the sink reads. */
  private static boolean committedEverything(String group) throws Exception {
    try (var admin = kafka.admin()) {
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new StringDeserializer(),
              new StringDeserializer())) {
        List<TopicPartition> partitions =
            SinkLoop.topics().stream()
                .flatMap(
                    t ->
                        consumer.partitionsFor(t).stream()
                            .map(p -> new TopicPartition(t, p.partition())))
                .toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        return ends.entrySet().stream()
            .allMatch(
                e ->
                    e.getValue() == 0
                        || (committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue()));
      }
    }
  }

  @Test
  void anErasureDeletesEveryRowOfTheVisitorVerifiably() throws Exception {
    String site = "s-erasure";
    send(Topics.SEGMENT_CHANGES.name(), "v9", change(site, "v9", "vip", Transition.ENTERED, T0));
    send(Topics.CHAT.name(), "v9", started(site, "v9", "c-9", T0.plusSeconds(10)));
    send(
        Topics.CHAT.name(),
        "v9",
        message(site, "v9", "c-9", "m-9", T0.plusSeconds(11), "my email is a@b.c"));
    send(Topics.SEGMENT_CHANGES.name(), "v10", change(site, "v10", "vip", Transition.ENTERED, T0));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> get("/v1/visitors/v9/erasure?siteId=" + site).get("rowsRemaining").asLong() == 5);
    assertThat(get("/v1/visitors/v9/erasure?siteId=" + site).get("erased").asBoolean()).isFalse();

    send(
        Topics.ERASURE_REQUESTS.name(),
        "v9",
        new ErasureRequest("er-1", site, "v9", T0.plusSeconds(60), "privacy-team"));
    // The profiler's EXITED for the erasure comes afterwards and must not bring anything back.
    var exit = change(site, "v9", "vip", Transition.EXITED, T0.plusSeconds(60));
    exit.setCause(io.visitorprofiler.schemas.ChangeCause.ERASURE);
    send(Topics.SEGMENT_CHANGES.name(), "v9", exit);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/v1/visitors/v9/erasure?siteId=" + site).get("erased").asBoolean());
    JsonNode proof = get("/v1/visitors/v9/erasure?siteId=" + site);
    assertThat(proof.get("rowsRemaining").asLong()).isZero();
    assertThat(proof.get("rowsDeleted").asLong())
        .isEqualTo(5); // history, current, chat, 2 chat events
    assertThat(get("/v1/visitors/v9/segment-history?siteId=" + site).get("items")).isEmpty();
    assertThat(
            get("/v1/transcripts?siteId=" + site + "&from=" + T0 + "&to=" + T0.plusSeconds(3600))
                .get("items"))
        .isEmpty();
    assertThat(get("/v1/visitors/v10/segment-history?siteId=" + site).get("items")).hasSize(1);
  }

  @Test
  void badParametersAreAClientErrorNamingTheParameterNotAServerError() throws Exception {
    Map<String, String> refused =
        Map.of(
            "/v1/visitors/v1/segment-history?siteId=%00", "siteId",
            "/v1/segments/s1/members?siteId=demo&after=AA", "cursor",
            "/v1/transcripts?siteId=demo&to=-1000000000-01-01T00:00:00Z", "to",
            "/v1/transcripts?siteId=demo&from=%2B300000-01-01T00:00:00Z", "from",
            "/v1/segments-performance?siteId=demo&from=2026-11-22T10:00:00Z&to=2026-11-21T10:00:00Z",
                "from",
            "/v1/segments/s1/counts?siteId=demo&to=%2B300000-01-01T00:00:00Z", "to",
            "/v1/segments/s1/members?siteId=demo&limit=abc", "limit");
    for (Map.Entry<String, String> request : refused.entrySet()) {
      HttpResponse<String> response = request(request.getKey());
      assertThat(response.statusCode())
          .as(request.getKey() + ": " + response.body())
          .isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("error").asText())
          .as(request.getKey())
          .contains(request.getValue());
    }
    // In a path, Jetty refuses it before any route (its own 400 page).
    assertThat(request("/v1/segments/s1%00/members?siteId=demo").statusCode()).isEqualTo(400);
  }

  @Test
  void anUnreadableRecordGoesToTheDeadLetterAndTheSinkGoesOn() throws Exception {
    String site = "s-dlq";
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            kafka.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), "v-bad", new byte[] {9, 9, 9}))
          .get();
    }
    send(
        Topics.SEGMENT_CHANGES.name(),
        "v-good",
        change(site, "v-good", "vip", Transition.ENTERED, T0));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get("/v1/visitors/v-good/segment-history?siteId=" + site).get("items").size() == 1);

    AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class);
    letters.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    DeadLetter found =
        kafka
            .firstRecord(
                Topics.DEAD_LETTER.name(),
                r ->
                    "v-bad".equals(r.key())
                        && "segment-sink"
                            .equals(letters.deserialize(r.topic(), r.value()).getService()),
                Duration.ofSeconds(30))
            .map(r -> letters.deserialize(r.topic(), r.value()))
            .orElse(null);
    assertThat(found).isNotNull();
    assertThat(found.getOriginTopic()).isEqualTo(Topics.SEGMENT_CHANGES.name());
    assertThat(found.getReason()).startsWith("unreadable");
  }

  @Test
  void aRecordTheDatabaseRefusesIsDeadLetteredWithoutTheVisitorsValuesInTheReason()
      throws Exception {
    // A form value with a NUL (the gateway refuses it; this one was written around it): the
    // database refuses it, and its error detail would quote the JSON around it.
    String site = "s-refused";
    send(
        Topics.CHAT.name(),
        "v-refused",
        SinkFixture.chat(
            site,
            "v-refused",
            "c-refused",
            "e-refused",
            T0,
            new PrechatSubmitted(Map.of("email", "alice@example.com\u0000"))));
    AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class);
    letters.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    DeadLetter found =
        kafka
            .firstRecord(
                Topics.DEAD_LETTER.name(), r -> "v-refused".equals(r.key()), Duration.ofSeconds(30))
            .map(r -> letters.deserialize(r.topic(), r.value()))
            .orElse(null);
    assertThat(found).isNotNull();
    assertThat(found.getReason()).startsWith("not writable").contains("22P05");
    assertThat(found.getReason()).doesNotContain("alice", "example.com");
  }

  @Test
  void performanceCountsEntriesInvitationsResponsesChatsAndConversions() throws Exception {
    String site = "s-perf";
    send(Topics.SEGMENT_CHANGES.name(), "p1", change(site, "p1", "carts", Transition.ENTERED, T0));
    send(Topics.SEGMENT_CHANGES.name(), "p2", change(site, "p2", "carts", Transition.ENTERED, T0));
    send(
        Topics.INVITATIONS.name(),
        "p1",
        new Invitation("inv-p1", site, "p1", "carts", "A", "Hi", T0.plusSeconds(5), null));
    send(
        Topics.INVITATIONS.name(),
        "p2",
        new Invitation("inv-p2", site, "p2", "carts", "B", "Hello", T0.plusSeconds(5), null));
    // The response may arrive before the invitation it answers.
    send(
        Topics.CLICKSTREAM.name(),
        "p1",
        click(
            site,
            "p1",
            "r-p1",
            T0.plusSeconds(8),
            new InvitationResponse("inv-p1", InvitationOutcome.ACCEPTED)));
    send(Topics.CHAT.name(), "p1", started(site, "p1", "c-p1", T0.plusSeconds(9)));
    purchase(site, "p1", "buy-p1", "o-1", T0.plusSeconds(60));
    // A second chat and purchase: each of p1's entries meets two of each in the query's joins,
    // and counts once still.
    send(Topics.CHAT.name(), "p1", started(site, "p1", "c-p1b", T0.plusSeconds(90)));
    purchase(site, "p1", "buy-p1b", "o-2", T0.plusSeconds(120));

    String range = "&from=" + T0.minusSeconds(1) + "&to=" + T0.plusSeconds(3600);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode rows = get("/v1/segments-performance?siteId=" + site + range).get("rows");
              return rows.size() == 3
                  && rows.get(0).get("conversions").asLong() == 2
                  && rows.get(0).get("chats").asLong() == 2
                  && rows.get(0).get("accepted").asLong() == 1;
            });
    JsonNode rows = get("/v1/segments-performance?siteId=" + site + range).get("rows");
    JsonNode segment = rows.get(0);
    assertThat(segment.get("variantId").isNull()).isTrue();
    assertThat(segment.get("entered").asLong()).isEqualTo(2);
    assertThat(segment.get("invitationsSent").asLong()).isEqualTo(2);
    assertThat(segment.get("responseRate").asDouble()).isEqualTo(0.5);
    assertThat(segment.get("chats").asLong()).isEqualTo(2);
    JsonNode variantA = rows.get(1);
    assertThat(variantA.get("variantId").asText()).isEqualTo("A");
    assertThat(variantA.get("accepted").asLong()).isEqualTo(1);
    assertThat(variantA.get("conversions").asLong()).isEqualTo(2);
    assertThat(rows.get(2).get("variantId").asText()).isEqualTo("B");
    assertThat(rows.get(2).get("responses").asLong()).isZero();
  }

  private static void purchase(
      String site, String visitor, String eventId, String orderId, Instant at) throws Exception {
    send(
        Topics.CLICKSTREAM.name(),
        visitor,
        click(
            site,
            visitor,
            eventId,
            at,
            new Purchase(orderId, List.of(new CartItem("CUPS-6", null, 24.0, 1)), 24.0, "USD")));
  }
}
