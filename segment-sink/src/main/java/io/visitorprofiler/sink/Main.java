package io.visitorprofiler.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.SegmentChange;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
    private final SinkLoop loop;
    private final Thread loopThread;
    private final KafkaProducer<String, DeadLetter> deadLetterProducer;
    private final ServiceHttpServer http;

    private Sink(
        Database database,
        SinkLoop loop,
        Thread loopThread,
        KafkaProducer<String, DeadLetter> deadLetterProducer,
        ServiceHttpServer http) {
      this.database = database;
      this.loop = loop;
      this.loopThread = loopThread;
      this.deadLetterProducer = deadLetterProducer;
      this.http = http;
    }

    public int port() {
      return http.port();
    }

    public Thread loopThread() {
      return loopThread;
    }

    public static Sink start(
        SinkSettings settings, Clock clock, SinkLoop.AfterDatabaseCommit afterCommit) {
      log.info(
          "segment-sink with Kafka {{}}, registry {}",
          KafkaClientProperties.describe(settings.kafka()),
          settings.schemaRegistryUrl());
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

      Map<String, Deserializer<? extends SpecificRecord>> deserializers = new HashMap<>();
      deserializers.put(Topics.SEGMENT_CHANGES.name(), deserializer(SegmentChange.class, settings));
      deserializers.put(Topics.CHAT.name(), deserializer(ChatEvent.class, settings));
      deserializers.put(Topics.INVITATIONS.name(), deserializer(Invitation.class, settings));
      deserializers.put(Topics.CLICKSTREAM.name(), deserializer(ClickstreamEvent.class, settings));
      deserializers.put(
          Topics.ERASURE_REQUESTS.name(), deserializer(ErasureRequest.class, settings));

      Map<String, Object> consumerProps = new HashMap<>(settings.kafka());
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
      consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      // Segment changes are written in Kafka Streams transactions: read only committed ones.
      consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
      consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vp-segment-sink");
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
      KafkaClientMetrics[] consumerMetrics = new KafkaClientMetrics[1];
      SinkLoop loop =
          new SinkLoop(
              () -> {
                KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(
                        consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
                consumerMetrics[0] = new KafkaClientMetrics(consumer);
                consumerMetrics[0].bindTo(metrics); // records-lag-max and friends
                return consumer;
              },
              deserializers,
              database,
              writer,
              new DeadLetters(deadLetterProducer, metrics),
              settings.retryBackoff(),
              afterCommit,
              metrics);
      Thread loopThread = Thread.ofPlatform().name("sink-loop").unstarted(loop);
      loopThread.setUncaughtExceptionHandler(
          (t, e) -> log.error("the delivery loop stopped; readiness is DOWN", e));
      loopThread.start();

      ServiceHealth health =
          new ServiceHealth()
              .add(
                  "database",
                  () ->
                      database.reachable()
                          ? HealthStatus.up("reachable")
                          : HealthStatus.down("unreachable"))
              .add("delivery", loop);
      ServiceHttpServer http =
          ServiceHttpServer.start(
              "segment-sink",
              settings.http(),
              health,
              metrics,
              List.of(
                  new HistoryResource(
                      new HistoryQueries(database.dataSource()), settings.readTokens(), clock)));
      return new Sink(database, loop, loopThread, deadLetterProducer, http);
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
      loop.stop();
      try {
        loopThread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deadLetterProducer.close(Duration.ofSeconds(5));
      database.close();
    }
  }
}
