package io.visitorprofiler.notifier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.notifier.agent.MuteStore;
import io.visitorprofiler.notifier.alert.AlertHub;
import io.visitorprofiler.notifier.alert.AlertRouter;
import io.visitorprofiler.notifier.feed.ChangeFeed;
import io.visitorprofiler.notifier.http.AgentAlertsResource;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the notifier: change feed, alert routing, agents' alert streams and mutes. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    NotifierSettings settings;
    try {
      settings = NotifierSettings.fromEnv(EnvConfig.fromSystem());
    } catch (ConfigException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Notifier notifier = Notifier.start(settings, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(notifier::close, "notifier-shutdown"));
  }

  /** A running notifier; tests start it in-process. */
  public static final class Notifier implements AutoCloseable {
    private final ChangeFeed feed;
    private final AgentAlertsResource alerts;
    private final ServiceHttpServer http;

    private Notifier(ChangeFeed feed, AgentAlertsResource alerts, ServiceHttpServer http) {
      this.feed = feed;
      this.alerts = alerts;
      this.http = http;
    }

    public int port() {
      return http.port();
    }

    public static Notifier start(NotifierSettings settings, Clock clock) {
      log.info(
          "notifier with Kafka {{}}, registry {}",
          KafkaClientProperties.describe(settings.kafka()),
          settings.schemaRegistryUrl());
      PrometheusMeterRegistry metrics = ServiceMetrics.create("notifier");
      AlertHub hub = new AlertHub(settings.replayAlerts(), settings.replayWindow(), clock);
      metrics.gauge("vp.notifier.agents.connected", hub, AlertHub::connected);
      MuteStore mutes = new MuteStore(settings.muteFile());
      AtomicReference<ChangeFeed> feedRef = new AtomicReference<>();
      AlertRouter router =
          new AlertRouter(
              settings.agents(),
              mutes,
              hub,
              segmentId -> feedRef.get().definition(segmentId),
              settings.dedupeWindow(),
              metrics);
      Map<String, Object> props = new HashMap<>(settings.kafka());
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vp-notifier");
      AvroDeserializer<SegmentDefinition> definitions =
          new AvroDeserializer<>(SegmentDefinition.class);
      definitions.configure(settings.serdeConfig(), false);
      AvroDeserializer<SegmentChange> changes = new AvroDeserializer<>(SegmentChange.class);
      changes.configure(settings.serdeConfig(), false);
      ChangeFeed feed =
          new ChangeFeed(
              () ->
                  new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
              definitions,
              changes,
              router::route);
      feedRef.set(feed);
      feed.start();
      AgentAlertsResource alerts = new AgentAlertsResource(settings.agents(), hub, mutes);
      ServiceHttpServer http =
          ServiceHttpServer.start(
              "notifier",
              settings.http(),
              new ServiceHealth().add("change-feed", feed),
              metrics,
              List.of(alerts));
      return new Notifier(feed, alerts, http);
    }

    @Override
    public void close() {
      log.info("stopping notifier");
      alerts.close();
      http.close();
      try {
        feed.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
