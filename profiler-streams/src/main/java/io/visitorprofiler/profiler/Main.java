package io.visitorprofiler.profiler;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.profiler.http.SegmentAdminService;
import io.visitorprofiler.profiler.http.VisitorQueryService;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.profiler.state.StreamsVisitorQueries;
import io.visitorprofiler.profiler.state.TopicSegmentDefinitions;
import io.visitorprofiler.profiler.topology.DeadLetterHandler;
import io.visitorprofiler.profiler.topology.ProfilerMetrics;
import io.visitorprofiler.profiler.topology.ProfilerSerdes;
import io.visitorprofiler.profiler.topology.ProfilerStreamsConfig;
import io.visitorprofiler.profiler.topology.ProfilerTopology;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts profiler-streams: wires configuration, topology, Kafka Streams and the HTTP API. */
public final class Main {
  /** How long a stream thread that failed on a registry outage waits before it is replaced. */
  private static final Duration REGISTRY_OUTAGE_PAUSE = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ProfilerSettings settings;
    try {
      settings = ProfilerSettings.fromEnv(EnvConfig.fromSystem());
    } catch (ConfigException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    log.info(
        "profiler-streams {} with Kafka {{}}, registry {}, state in {}",
        settings.applicationId(),
        KafkaClientProperties.describe(settings.kafka()),
        SchemaRegistryConfig.redacted(settings.schemaRegistryUrl()),
        settings.stateDir());

    PrometheusMeterRegistry metrics = ServiceMetrics.create("profiler-streams");
    Metrics.addRegistry(metrics); // the dead-letter handler, created by Kafka Streams, counts here
    SchemaRegistryClient registry =
        new SchemaRegistryClient(SchemaRegistryConfig.fromSerdeConfig(settings.serdeConfig()));
    ProfilerSerdes serdes = ProfilerSerdes.over(registry);
    SegmentRuleBook book = new SegmentRuleBook();
    HostInfo self = new HostInfo(settings.advertisedHost(), settings.http().port());
    KafkaStreams streams =
        new KafkaStreams(
            ProfilerTopology.build(settings, serdes, book, new ProfilerMetrics(metrics)),
            ProfilerStreamsConfig.of(settings, self.host() + ":" + self.port()));
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics);

    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        e -> {
          if (DeadLetterHandler.registryUnavailable(e)) {
            log.warn(
                "stream thread stopped: schema registry unavailable; replacing the thread in {}",
                REGISTRY_OUTAGE_PAUSE);
            try {
              Thread.sleep(REGISTRY_OUTAGE_PAUSE); // each replacement rebalances the group
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          log.error("stream thread failed; shutting down this instance", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (next, previous) -> {
          log.info("Kafka Streams {} -> {}", previous, next);
          if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
            stopped.countDown();
          }
        });

    Map<String, Object> producerProps = new HashMap<>(settings.kafka());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.putAll(settings.serdeConfig());
    KafkaProducer<String, SegmentDefinition> definitionsProducer =
        new KafkaProducer<>(
            producerProps, new StringSerializer(), serdes.definitions().serializer());

    ServiceHealth health =
        new ServiceHealth()
            .add(
                "kafka-streams",
                () ->
                    streams.state() == KafkaStreams.State.RUNNING
                        ? HealthStatus.up("RUNNING")
                        : HealthStatus.down(streams.state().name()));
    SegmentRuleCompiler compiler = new SegmentRuleCompiler();
    StreamsVisitorQueries queries = new StreamsVisitorQueries(streams, self);
    Clock clock = Clock.systemUTC();
    ServiceHttpServer http =
        ServiceHttpServer.start(
            "profiler-streams",
            settings.http(),
            health,
            metrics,
            List.of(
                new SegmentAdminService(
                    new TopicSegmentDefinitions(streams, definitionsProducer),
                    compiler,
                    queries,
                    settings.profiles(),
                    settings.adminToken(),
                    clock),
                new VisitorQueryService(
                    queries, book, settings.profiles(), settings.adminToken(), clock)));

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping profiler-streams");
                  http.close();
                  streams.close(Duration.ofSeconds(30));
                  definitionsProducer.close(Duration.ofSeconds(5));
                  streamsMetrics.close();
                },
                "profiler-shutdown"));
    streams.start();
    stopped.await();
    if (streams.state() == KafkaStreams.State.ERROR) {
      log.error("Kafka Streams is in ERROR; exiting so the supervisor restarts this instance");
      System.exit(1);
    }
  }
}
