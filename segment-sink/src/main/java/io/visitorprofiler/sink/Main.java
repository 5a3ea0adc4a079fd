package io.visitorprofiler.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.runtime.health.KafkaReachability;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.sink.consume.DeadLetters;
import io.visitorprofiler.sink.consume.SinkLoop;
import io.visitorprofiler.sink.db.Database;
import io.visitorprofiler.sink.http.HistoryResource;
import io.visitorprofiler.sink.query.HistoryQueries;
import io.visitorprofiler.sink.write.HistoryWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts segment-sink: database (embedded unless a URL is given), delivery loop, query API. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    SinkSettings settings;
    try {
      settings = SinkSettings.fromEnv(EnvConfig.fromSystem());
    } catch (ConfigException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Sink sink = Sink.start(settings, Clock.systemUTC(), SinkLoop.AfterDatabaseCommit.NONE);
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "sink-shutdown"));
  }

  /** A running sink; tests start it in-process. */
  public static final class Sink implements AutoCloseable {
    private final Database database;
    private final List<SinkLoop> loops;
    private final List<Thread> loopThreads;
    private final KafkaProducer<String, DeadLetter> deadLetterProducer;
    private final KafkaReachability kafka;
    private final ServiceHttpServer http;

    private Sink(
        Database database,
        List<SinkLoop> loops,
        List<Thread> loopThreads,
        KafkaProducer<String, DeadLetter> deadLetterProducer,
        KafkaReachability kafka,
        ServiceHttpServer http) {
      this.database = database;
      this.loops = loops;
      this.loopThreads = loopThreads;
      this.deadLetterProducer = deadLetterProducer;
      this.kafka = kafka;
      this.http = http;
    }

    public int port() {
      return http.port();
    }

    /** The delivery loops' threads, one per writer. */
    public List<Thread> loopThreads() {
      return loopThreads;
    }

    public static Sink start(
        SinkSettings settings, Clock clock, SinkLoop.AfterDatabaseCommit afterCommit) {
      log.info(
          "segment-sink with Kafka {{}}, registry {}",
          KafkaClientProperties.describe(settings.kafka()),
          SchemaRegistryConfig.redacted(settings.schemaRegistryUrl()));
      PrometheusMeterRegistry metrics = ServiceMetrics.create("segment-sink");
      Database database = Database.open(settings);

      Map<String, Object> producerProps = new HashMap<>(settings.kafka());
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "vp-segment-sink-dlq");
      AvroSerializer<DeadLetter> letters = new AvroSerializer<>();
      letters.configure(settings.serdeConfig(), false);
      KafkaProducer<String, DeadLetter> deadLetterProducer =
          new KafkaProducer<>(producerProps, new StringSerializer(), letters);

      Map<String, Object> consumerProps = new HashMap<>(settings.kafka());
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
      consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      // Segment changes are written in Kafka Streams transactions: read only committed ones.
      consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
      // With several writers, partition p of every 12-partition topic goes to the same one: a
      // visitor's changes, chats, clickstream and erasure are written by one loop, in order. The
      // invitation topic has 6 partitions: HistoryWriter.lockVisitors covers what it touches.
      consumerProps.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
      String clientId =
          String.valueOf(
              consumerProps.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "vp-segment-sink"));
      Map<String, Counter> tableCounters = new ConcurrentHashMap<>();
      HistoryWriter writer =
          new HistoryWriter(
              (table, rows) ->
                  tableCounters
                      .computeIfAbsent(
                          table,
                          t ->
                              Counter.builder("vp.sink.rows.written")
                                  .tag("table", t)
                                  .register(metrics))
                      .increment(rows));
      DeadLetters deadLetters = new DeadLetters(deadLetterProducer, metrics);
      List<SinkLoop> loops = new ArrayList<>();
      List<Thread> loopThreads = new ArrayList<>();
      for (int w = 0; w < settings.writers(); w++) {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.put(
            ConsumerConfig.CLIENT_ID_CONFIG,
            settings.writers() == 1 ? clientId : clientId + "-" + w);
        SinkLoop loop =
            new SinkLoop(
                () -> {
                  KafkaConsumer<String, byte[]> consumer =
                      new KafkaConsumer<>(
                          props, new StringDeserializer(), new ByteArrayDeserializer());
                  new KafkaClientMetrics(consumer).bindTo(metrics); // records-lag-max and friends
                  return consumer;
                },
                deserializers(settings),
                database,
                writer,
                deadLetters,
                settings.retryBackoff(),
                afterCommit,
                metrics);
        Thread loopThread =
            Thread.ofPlatform()
                .name(settings.writers() == 1 ? "sink-loop" : "sink-loop-" + w)
                .unstarted(loop);
        loopThread.setUncaughtExceptionHandler(
            (t, e) -> log.error("the delivery loop {} stopped; readiness is DOWN", t.getName(), e));
        loops.add(loop);
        loopThreads.add(loopThread);
      }
      loopThreads.forEach(Thread::start);

      // A consumer's poll says nothing when the cluster is gone: readiness asks the cluster.
      KafkaReachability kafka =
          new KafkaReachability(
              Admin.create(settings.kafka()), Duration.ofSeconds(5), Duration.ofSeconds(2));
      ServiceHealth health =
          new ServiceHealth()
              .add("kafka", kafka)
              .add(
                  "database",
                  () ->
                      database.reachable()
                          ? HealthStatus.up("reachable")
                          : HealthStatus.down("unreachable"));
      for (int w = 0; w < loops.size(); w++) {
        health.add(loops.size() == 1 ? "delivery" : "delivery-" + w, loops.get(w));
      }
      ServiceHttpServer http;
      try {
        http =
            ServiceHttpServer.start(
                "segment-sink",
                settings.http(),
                health,
                metrics,
                List.of(
                    new HistoryResource(
                        new HistoryQueries(database.dataSource()), settings.readTokens(), clock)));
      } catch (RuntimeException e) {
        // The port is taken, say: stop what runs already, or the process goes on writing
        // without HTTP, health or a way to stop it.
        kafka.close();
        stop(loops, loopThreads, deadLetterProducer, database);
        throw e;
      }
      return new Sink(database, loops, loopThreads, deadLetterProducer, kafka, http);
    }

    /** A loop's own deserializers, one per topic it reads. */
    private static Map<String, Deserializer<? extends SpecificRecord>> deserializers(
        SinkSettings settings) {
      Map<String, Deserializer<? extends SpecificRecord>> deserializers = new HashMap<>();
      deserializers.put(Topics.SEGMENT_CHANGES.name(), deserializer(SegmentChange.class, settings));
      deserializers.put(Topics.CHAT.name(), deserializer(ChatEvent.class, settings));
      deserializers.put(Topics.INVITATIONS.name(), deserializer(Invitation.class, settings));
      deserializers.put(Topics.CLICKSTREAM.name(), deserializer(ClickstreamEvent.class, settings));
      deserializers.put(
          Topics.ERASURE_REQUESTS.name(), deserializer(ErasureRequest.class, settings));
      return deserializers;
    }

    private static <T extends SpecificRecord> Deserializer<T> deserializer(
        Class<T> type, SinkSettings settings) {
      AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
      deserializer.configure(settings.serdeConfig(), false);
      return deserializer;
    }

    @Override
    public void close() {
      log.info("stopping segment-sink");
      http.close();
      kafka.close();
      stop(loops, loopThreads, deadLetterProducer, database);
    }

    /** Stops the delivery loops (each commits what it wrote), then the producer and database. */
    private static void stop(
        List<SinkLoop> loops,
        List<Thread> loopThreads,
        KafkaProducer<String, DeadLetter> deadLetterProducer,
        Database database) {
      loops.forEach(SinkLoop::stop);
      try {
        for (Thread loopThread : loopThreads) {
          loopThread.join(Duration.ofSeconds(30));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deadLetterProducer.close(Duration.ofSeconds(5));
      database.close();
    }
  }
}
