package io.visitorprofiler.sink.bench;

import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.sink.Main;
import io.visitorprofiler.sink.SinkSettings;
import io.visitorprofiler.sink.consume.SinkLoop;
import io.visitorprofiler.sink.db.Database;
import io.visitorprofiler.testkit.BenchmarkStack;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * segment-sink's throughput: N segment changes (visitors entering and leaving segments) on the
 * topic of a KRaft broker in this JVM, then the sink (Kafka poll, Avro, keyed inserts with current
 * members and minute counts, offsets after each transaction) writing them into a real PostgreSQL;
 * and, in the same run and database, the baseline: a plain JDBC batch insert of the same history
 * rows into a copy of the history table.
 *
 * <p>{@code ./vp bench sink [--changes N] [--batch N] [--writers N]}
 */
public final class SinkBenchmark {
  private SinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int changes = 500_000;
    int batch = 5_000; // the service's default (VP_SINK_MAX_POLL_RECORDS)
    int writers = 2; // the service's default (VP_SINK_WRITERS)
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--changes" -> changes = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--writers" -> writers = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    run(changes, batch, writers);
    System.exit(0);
  }

  private static void run(int n, int batch, int writers) throws Exception {
    Path work = Files.createTempDirectory("vp-sink-bench");
    BenchmarkStack stack = BenchmarkStack.start(work);
    String bootstrap = stack.bootstrapServers();
    EmbeddedPostgres postgres =
        Database.configureEmbedded(EmbeddedPostgres.builder())
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setDataDirectory(work.resolve("pg"))
            .start();
    System.out.printf(
        "sink benchmark: %,d segment changes, batches of %,d, %d writer(s); broker, registry,"
            + " PostgreSQL and sink on %d cores%n",
        n, batch, writers, Runtime.getRuntime().availableProcessors());

    List<SegmentChange> rows = generate(n);
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("linger.ms", 20);
    props.put("batch.size", 262144);
    props.put("compression.type", "lz4");
    props.put(SchemaRegistryConfig.URL, stack.registryUrl());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(props, false);
    long produceStart = System.nanoTime();
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(props, new StringSerializer(), values)) {
      for (SegmentChange change : rows) {
        producer.send(
            new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), change.getVisitorId(), change));
      }
    }
    System.out.printf(
        "produced %,d changes in %.1f s%n", n, (System.nanoTime() - produceStart) / 1e9);

    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("VP_SCHEMA_REGISTRY_URL", stack.registryUrl());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_SINK_JDBC_URL", postgres.getJdbcUrl("postgres", "postgres"));
    env.put("VP_SINK_MAX_POLL_RECORDS", String.valueOf(batch));
    env.put("VP_SINK_WRITERS", String.valueOf(writers));
    env.put("VP_SINK_POOL_SIZE", String.valueOf(writers + 2));
    env.put("VP_KAFKA_FETCH_MAX_BYTES", "52428800");
    env.put("VP_KAFKA_MAX_PARTITION_FETCH_BYTES", "10485760");
    DataSource db = postgres.getPostgresDatabase();
    SinkSettings settings = SinkSettings.fromEnv(new EnvConfig(env));
    double sinkRate;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        Main.Sink sink =
            Main.Sink.start(settings, Clock.systemUTC(), SinkLoop.AfterDatabaseCommit.NONE)) {
      // Progress from the group's committed offsets (the sink commits them after the database's
      // commit): asking PostgreSQL for a row count would take its CPU from the sink.
      long start = 0;
      long startCount = 0;
      while (true) {
        long count = committed(admin, settings.groupId());
        if (start == 0 && count > 0) {
          start = System.nanoTime(); // from the first committed batch: start-up is not counted
          startCount = count;
        }
        if (count >= n) {
          sinkRate = (count - startCount) / ((System.nanoTime() - start) / 1e9);
          break;
        }
        Thread.sleep(20);
      }
    }
    long members = count(db, "SELECT COUNT(*) FROM membership_current");
    long minuteTotal = count(db, "SELECT SUM(entered + exited) FROM segment_minute_counts");

    printStatementTimes(db, n);
    double baseline = plainBatchInsert(db, rows, batch);
    System.out.println();
    System.out.printf(
        "  segment-sink (poll, Avro, idempotent inserts, members, minute counts, offsets) %,10.0f changes/s (target >= 50,000)%n",
        sinkRate);
    System.out.printf(
        "  baseline, plain JDBC batch insert of the same history rows          %,10.0f rows/s%n",
        baseline);
    System.out.printf("  ratio sink / baseline %.2f%n", sinkRate / baseline);
    System.out.printf(
        "  check: %,d history rows, %,d current members, minute counts sum %,d (= changes)%n",
        count(db, "SELECT COUNT(*) FROM membership_history"), members, minuteTotal);
    postgres.close();
    stack.close();
  }

  /** Visitors entering and leaving 20 segments over an hour, as the profiler would emit them. */
  private static List<SegmentChange> generate(int n) {
    SplittableRandom random = new SplittableRandom(7);
    Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
    Map<String, Boolean> inside = new HashMap<>();
    List<SegmentChange> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String visitor = "v-" + random.nextInt(n / 5 + 1);
      String segment = "segment-" + random.nextInt(20);
      String key = visitor + "/" + segment;
      boolean enter = !inside.getOrDefault(key, false);
      inside.put(key, enter);
      Instant at = t0.plusMillis(i * 3600_000L / n);
      rows.add(
          new SegmentChange(
              "c-" + i,
              visitor,
              "demo",
              segment,
              "Segment " + segment,
              1L,
              enter ? Transition.ENTERED : Transition.EXITED,
              10,
              ChangeCause.EVENT,
              "e-" + i,
              at,
              at.plusMillis(3),
              List.of(),
              new ProfileSnapshot(
                  "Miami", "US", "https://shop.example/cart", 24.0, "USD", 2, null)));
    }
    return rows;
  }

  private static double plainBatchInsert(DataSource db, List<SegmentChange> rows, int batch)
      throws Exception {
    try (Connection c = db.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE history_baseline (LIKE membership_history INCLUDING ALL)");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO history_baseline (change_id, site_id, visitor_id, segment_id,"
                  + " segment_name, rule_version, transition, priority, cause, cause_event_id,"
                  + " changed_at, emitted_at, city, country, cart_value)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int pending = 0;
        for (SegmentChange change : rows) {
          insert.setString(1, change.getChangeId());
          insert.setString(2, change.getSiteId());
          insert.setString(3, change.getVisitorId());
          insert.setString(4, change.getSegmentId());
          insert.setString(5, change.getSegmentName());
          insert.setLong(6, change.getSegmentVersion());
          insert.setString(7, change.getTransition().name());
          insert.setInt(8, change.getPriority());
          insert.setString(9, change.getCause().name());
          insert.setString(10, change.getCauseEventId());
          insert.setTimestamp(11, Timestamp.from(change.getCauseEventTime()));
          insert.setTimestamp(12, Timestamp.from(change.getEmittedAt()));
          insert.setString(13, change.getSnapshot().getCity());
          insert.setString(14, change.getSnapshot().getCountry());
          insert.setDouble(15, change.getSnapshot().getCartValue());
          insert.addBatch();
          if (++pending == batch) {
            insert.executeBatch();
            c.commit();
            pending = 0;
          }
        }
        insert.executeBatch();
        c.commit();
      }
      return rows.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Where the database spent its time while the sink wrote: the heaviest statements. */
  private static void printStatementTimes(DataSource db, int changes) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT calls, total_exec_time, rows, regexp_replace(left(query, 70), '\\s+', ' ',"
                  + " 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14")) {
        System.out.println();
        System.out.println("  PostgreSQL time by statement while the sink wrote:");
        while (rs.next()) {
          System.out.printf(
              "    %8.0f ms %6.2f µs/change %7d calls %9d rows  %s%n",
              rs.getDouble(2),
              rs.getDouble(2) * 1000 / changes,
              rs.getLong(1),
              rs.getLong(3),
              rs.getString(4));
        }
      }
    }
  }

  private static long committed(Admin admin, String groupId) throws Exception {
    return admin
        .listConsumerGroupOffsets(groupId)
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().equals(Topics.SEGMENT_CHANGES.name()))
        .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset())
        .sum();
  }

  private static long count(DataSource db, String sql) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
