package io.visitorprofiler.gateway;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.gateway.enrich.CdnHeaderGeo;
import io.visitorprofiler.gateway.enrich.DeviceDetector;
import io.visitorprofiler.gateway.enrich.EdgeEnricher;
import io.visitorprofiler.gateway.enrich.GeoLocator;
import io.visitorprofiler.gateway.enrich.MaxMindGeo;
import io.visitorprofiler.gateway.enrich.ReferrerClassifier;
import io.visitorprofiler.gateway.http.IngestResource;
import io.visitorprofiler.gateway.http.InvitationStreamResource;
import io.visitorprofiler.gateway.http.TrackerResource;
import io.visitorprofiler.gateway.ingest.EventBatchReader;
import io.visitorprofiler.gateway.invite.InvitationFeed;
import io.visitorprofiler.gateway.invite.InvitationHub;
import io.visitorprofiler.gateway.limit.RateLimiter;
import io.visitorprofiler.gateway.publish.EventPublisher;
import io.visitorprofiler.gateway.publish.ProducerSettings;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.KafkaReachability;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the ingest gateway: configuration, enrichment, producer, invitation feed, HTTP. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    GatewaySettings settings;
    try {
      settings = GatewaySettings.fromEnv(EnvConfig.fromSystem());
    } catch (ConfigException | IllegalArgumentException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway = Gateway.start(settings, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
  }

  /** A running gateway; tests and the benchmark start it in-process. */
  public static final class Gateway implements AutoCloseable {
    private final List<AutoCloseable> parts;
    private final ServiceHttpServer http;

    private Gateway(List<AutoCloseable> parts, ServiceHttpServer http) {
      this.parts = parts;
      this.http = http;
    }

    public int port() {
      return http.port();
    }

    public static Gateway start(GatewaySettings settings, Clock clock) {
      log.info(
          "ingest-gateway for sites {} with Kafka {{}}, registry {}",
          settings.sites().sites().stream().map(s -> s.siteId()).toList(),
          KafkaClientProperties.describe(settings.kafka()),
          SchemaRegistryConfig.redacted(settings.schemaRegistryUrl()));
      List<AutoCloseable> parts = new ArrayList<>();
      PrometheusMeterRegistry metrics = ServiceMetrics.create("ingest-gateway");

      List<GeoLocator> locators = new ArrayList<>();
      if (settings.geoCountryHeader().isPresent()
          || settings.geoRegionHeader().isPresent()
          || settings.geoCityHeader().isPresent()) {
        locators.add(
            new CdnHeaderGeo(
                settings.geoCountryHeader().orElse(null),
                settings.geoRegionHeader().orElse(null),
                settings.geoCityHeader().orElse(null)));
      }
      settings
          .geoIpDatabase()
          .ifPresent(
              path -> {
                MaxMindGeo maxMind = MaxMindGeo.open(path);
                log.info("geography from {} ({})", path, maxMind.describe());
                parts.add(maxMind);
                locators.add(maxMind);
              });
      long uaStart = System.nanoTime();
      DeviceDetector devices = new DeviceDetector(settings.userAgentCacheSize());
      log.info("user agent analyzer ready in {} ms", (System.nanoTime() - uaStart) / 1_000_000);
      EdgeEnricher enricher =
          new EdgeEnricher(
              locators.isEmpty() ? GeoLocator.NONE : GeoLocator.firstOf(locators),
              devices,
              new ReferrerClassifier(),
              settings.trustForwardedFor());

      Map<String, Object> producerProps =
          ProducerSettings.of(settings.kafka(), settings.ackTimeout());
      KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
      KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
      producerMetrics.bindTo(metrics);
      AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
      values.configure(settings.serdeConfig(), false);
      EventPublisher publisher =
          new EventPublisher(
              producer,
              values,
              settings.maxInFlightEvents(),
              settings.admissionWait(),
              settings.ackTimeout(),
              metrics);
      KafkaReachability kafka =
          new KafkaReachability(
              Admin.create(settings.kafka()), Duration.ofSeconds(2), Duration.ofSeconds(2));

      InvitationHub hub = new InvitationHub(settings.invitationLookback(), clock, metrics);
      Map<String, Object> consumerProps = new HashMap<>(settings.kafka());
      consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "vp-ingest-gateway-invitations");
      AvroDeserializer<Invitation> invitationValues = new AvroDeserializer<>(Invitation.class);
      invitationValues.configure(settings.serdeConfig(), false);
      InvitationFeed feed =
          new InvitationFeed(
              () ->
                  new KafkaConsumer<>(
                      consumerProps, new StringDeserializer(), new ByteArrayDeserializer()),
              invitationValues,
              Topics.INVITATIONS.name(),
              hub::deliver,
              settings.invitationLookback(),
              Duration.ofSeconds(1),
              clock,
              metrics);
      feed.start();
      InvitationStreamResource invitations =
          new InvitationStreamResource(settings.sites(), hub, Duration.ofSeconds(25), clock);

      // Intake is the gateway's job: a feed that cannot read invitations is shown on readiness
      // but does not take the gateway out of service.
      ServiceHealth health =
          new ServiceHealth().add("kafka", kafka).addInformational("invitation-feed", feed);
      ServiceHttpServer http =
          ServiceHttpServer.start(
              "ingest-gateway",
              settings.http(),
              health,
              metrics,
              List.of(
                  new IngestResource(
                      settings.sites(),
                      new EventBatchReader(ServiceHttpServer.JSON, settings.maxBatchEvents()),
                      enricher,
                      new RateLimiter(
                          settings.siteEventsPerSecond(),
                          settings.addressRequestsPerSecond(),
                          System::nanoTime),
                      publisher,
                      kafka,
                      settings.maxBodyBytes(),
                      clock,
                      metrics),
                  new TrackerResource(),
                  invitations));
      // Closed in reverse: HTTP first (no new requests), then the feed, producer and admin.
      parts.add(kafka);
      parts.add(publisher);
      parts.add(producerMetrics);
      parts.add(feed);
      return new Gateway(parts, http);
    }

    @Override
    public void close() {
      log.info("stopping ingest-gateway");
      http.close(); // not ready, then the invitation streams end, then the server stops
      for (int i = parts.size() - 1; i >= 0; i--) {
        try {
          parts.get(i).close();
        } catch (Exception e) {
          log.warn("error while stopping {}", parts.get(i).getClass().getSimpleName(), e);
        }
      }
    }
  }
}
