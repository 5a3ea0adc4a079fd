package io.visitorprofiler.notifier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.notifier.agent.MuteStore;
import io.visitorprofiler.notifier.alert.AlertHub;
import io.visitorprofiler.notifier.alert.AlertRouter;
import io.visitorprofiler.notifier.board.ProfilerOnlineVisitors;
import io.visitorprofiler.notifier.board.VisitorBoard;
import io.visitorprofiler.notifier.feed.ChangeFeed;
import io.visitorprofiler.notifier.feed.SegmentCatalog;
import io.visitorprofiler.notifier.http.AgentAlertsResource;
import io.visitorprofiler.notifier.http.ConsoleResource;
import io.visitorprofiler.notifier.http.HistoryProxyResource;
import io.visitorprofiler.notifier.invite.ChatLoad;
import io.visitorprofiler.notifier.invite.InvitationCaps;
import io.visitorprofiler.notifier.invite.InvitationOutcomes;
import io.visitorprofiler.notifier.invite.InvitationSender;
import io.visitorprofiler.notifier.invite.MessageTemplate;
import io.visitorprofiler.notifier.webhook.WebhookDispatcher;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.KafkaReachability;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    private final ServiceHttpServer http;
    private final WebhookDispatcher webhooks;
    private final KafkaReachability kafka;
    private final List<KafkaProducer<String, ?>> producers;

    private Notifier(
        ChangeFeed feed,
        ServiceHttpServer http,
        WebhookDispatcher webhooks,
        KafkaReachability kafka,
        List<KafkaProducer<String, ?>> producers) {
      this.feed = feed;
      this.http = http;
      this.webhooks = webhooks;
      this.kafka = kafka;
      this.producers = producers;
    }

    public int port() {
      return http.port();
    }

    public static Notifier start(NotifierSettings settings, Clock clock) {
      log.info(
          "notifier with Kafka {{}}, registry {}",
          KafkaClientProperties.describe(settings.kafka()),
          SchemaRegistryConfig.redacted(settings.schemaRegistryUrl()));
      PrometheusMeterRegistry metrics = ServiceMetrics.create("notifier");
      AlertHub hub = new AlertHub(settings.replayAlerts(), settings.replayWindow(), clock);
      metrics.gauge("vp.notifier.agents.connected", hub, AlertHub::connected);
      MuteStore mutes = new MuteStore(settings.muteFile());
      SegmentCatalog catalog = new SegmentCatalog();
      AlertRouter router =
          new AlertRouter(
              settings.agents(), mutes, hub, catalog::definition, settings.dedupeWindow(), metrics);
      Map<String, Object> props = new HashMap<>(settings.kafka());
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vp-notifier");
      Map<String, Object> producerProps = new HashMap<>(settings.kafka());
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "vp-notifier-dlq");
      AvroSerializer<DeadLetter> letters = new AvroSerializer<>();
      letters.configure(settings.serdeConfig(), false);
      KafkaProducer<String, DeadLetter> deadLetterProducer =
          new KafkaProducer<>(producerProps, new StringSerializer(), letters);
      WebhookDispatcher webhooks =
          new WebhookDispatcher(
              settings.webhooks(),
              HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
              settings.webhookPolicy(),
              (webhook, key, body, reason) -> {
                ProducerRecord<String, DeadLetter> letter =
                    new ProducerRecord<>(
                        Topics.DEAD_LETTER.name(),
                        key,
                        new DeadLetter(
                            "notifier-webhooks",
                            reason + " (" + webhook + ")",
                            null,
                            Topics.SEGMENT_CHANGES.name(),
                            null,
                            null,
                            ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                            ByteBuffer.wrap(body),
                            clock.instant()));
                try {
                  deadLetterProducer.send(
                      letter,
                      (metadata, error) -> {
                        if (error != null) {
                          log.warn(
                              "a webhook's dead letter was not written: {}",
                              error.getClass().getSimpleName());
                        }
                      });
                } catch (RuntimeException e) { // the serializer runs in send(): registry down
                  log.warn(
                      "a webhook's dead letter was not written: {}", e.getClass().getSimpleName());
                }
              },
              clock,
              metrics);
      AvroSerializer<Invitation> invitationWriter = new AvroSerializer<>();
      invitationWriter.configure(settings.serdeConfig(), false);
      KafkaProducer<String, Invitation> invitationProducer =
          new KafkaProducer<>(producerProps, new StringSerializer(), invitationWriter);
      ChatLoad chatLoad = new ChatLoad();
      VisitorBoard board = new VisitorBoard(settings.onlineWindow());
      InvitationSender invitations =
          new InvitationSender(
              catalog::definition,
              hub::onlineAgents,
              chatLoad,
              new InvitationCaps(),
              new MessageTemplate(settings.freeShippingThreshold()),
              invitation ->
                  invitationProducer.send(
                      new ProducerRecord<>(
                          Topics.INVITATIONS.name(), invitation.getVisitorId(), invitation),
                      (metadata, error) -> {
                        if (error != null) {
                          log.warn("invitation not written: {}", error.getClass().getSimpleName());
                        }
                      }),
              settings.chatsPerAgent(),
              settings.invitationExpiry(),
              clock,
              metrics);
      InvitationOutcomes outcomes = new InvitationOutcomes(metrics);
      Consumer<String> ignore = key -> {};
      ChangeFeed feed =
          new ChangeFeed(
              () ->
                  new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
              List.of(
                  new ChangeFeed.Subscription<>(
                      Topics.SEGMENT_DEFINITIONS.name(),
                      true,
                      reader(SegmentDefinition.class, settings),
                      catalog::accept,
                      catalog::remove),
                  new ChangeFeed.Subscription<>(
                      Topics.SEGMENT_CHANGES.name(),
                      false,
                      reader(SegmentChange.class, settings),
                      change -> {
                        board.accept(change);
                        router.route(change);
                        invitations.consider(change);
                        webhooks.dispatch(change);
                      },
                      ignore),
                  new ChangeFeed.Subscription<>(
                      Topics.CHAT.name(),
                      false,
                      reader(ChatEvent.class, settings),
                      chatLoad::accept,
                      ignore),
                  new ChangeFeed.Subscription<>(
                      Topics.INVITATIONS.name(),
                      false,
                      reader(Invitation.class, settings),
                      outcomes::sent,
                      ignore),
                  new ChangeFeed.Subscription<>(
                      Topics.CLICKSTREAM.name(),
                      false,
                      reader(ClickstreamEvent.class, settings),
                      event -> {
                        outcomes.event(event);
                        if (event.getPayload() instanceof InvitationResponse response) {
                          invitations.answered(response.getInvitationId());
                        }
                      },
                      ignore)));
      feed.start();
      AgentAlertsResource alerts = new AgentAlertsResource(settings.agents(), hub, mutes);
      // A consumer's poll says nothing when the cluster is gone: readiness asks the cluster.
      KafkaReachability kafka =
          new KafkaReachability(
              Admin.create(settings.kafka()), Duration.ofSeconds(5), Duration.ofSeconds(2));
      ServiceHttpServer http =
          ServiceHttpServer.start(
              "notifier",
              settings.http(),
              new ServiceHealth().add("kafka", kafka).add("change-feed", feed),
              metrics,
              List.of(
                  alerts,
                  new HistoryProxyResource(settings.sinkUrl()),
                  new ConsoleResource(
                      board,
                      new ProfilerOnlineVisitors(
                          settings.profilerUrl(),
                          settings.adminToken(),
                          settings.sites(),
                          clock))));
      return new Notifier(
          feed, http, webhooks, kafka, List.of(deadLetterProducer, invitationProducer));
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroDeserializer<T> reader(
        Class<T> type, NotifierSettings settings) {
      AvroDeserializer<T> reader = new AvroDeserializer<>(type);
      reader.configure(settings.serdeConfig(), false);
      return reader;
    }

    @Override
    public void close() {
      log.info("stopping notifier");
      http.close(); // not ready, then the consoles' streams end, then the server stops
      try {
        feed.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      webhooks.close();
      kafka.close();
      producers.forEach(p -> p.close(Duration.ofSeconds(5)));
    }
  }
}
