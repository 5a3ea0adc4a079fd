package io.visitorprofiler.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.KafkaBrokerProcess;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker, a real process, is killed while batches keep coming: the gateway answers 503 with
 * Retry-After and never 202 for what it could not write, and after the broker is back every event
 * it answered 202 for is on the topic.
 */
class GatewayOutageIT {
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();

  // Kept when the test fails: the broker's log is in kafka/broker.log.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path data;

  private static KafkaBrokerProcess broker;
  private static Main.Gateway gateway;
  private static GatewayClient client;

  @BeforeAll
  static void start() {
    broker = KafkaBrokerProcess.start(data.resolve("kafka"));
    broker.createCatalogTopics();
    Map<String, String> env = GatewayIT.env(broker.bootstrapServers(), registry.url());
    env.put("VP_GATEWAY_ACK_TIMEOUT", "8s");
    env.put("VP_KAFKA_RECONNECT_BACKOFF_MAX_MS", "1000");
    gateway = Main.Gateway.start(GatewaySettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());
    client = new GatewayClient(gateway.port());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void nothingAnswered202IsLostWhenTheBrokerDiesAndComesBack() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger sequence = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger acceptedWhileDown = new AtomicInteger();
    AtomicBoolean down = new AtomicBoolean(false);
    AtomicInteger retryAfterMissing = new AtomicInteger();

    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (running.get()) {
                    int n = sequence.incrementAndGet();
                    List<String> ids = List.of("o-" + n + "-a", "o-" + n + "-b", "o-" + n + "-c");
                    String events =
                        ids.stream()
                            .map(
                                id ->
                                    "{\"type\": \"page_view\", \"visitorId\": \"v-"
                                        + (n % 17)
                                        + "\", \"eventId\": \""
                                        + id
                                        + "\", \"url\": \"https://shop.test/p/"
                                        + n
                                        + "\"}")
                            .collect(Collectors.joining(","));
                    boolean wasDown = down.get();
                    HttpResponse<String> response;
                    try {
                      response = client.postWithKey("{\"events\": [" + events + "]}");
                    } catch (RuntimeException e) {
                      continue;
                    }
                    statuses
                        .computeIfAbsent(response.statusCode(), k -> new AtomicInteger())
                        .incrementAndGet();
                    if (response.statusCode() == 202) {
                      acknowledged.addAll(ids);
                      if (wasDown && down.get()) {
                        acceptedWhileDown.incrementAndGet();
                      }
                    } else if (response.statusCode() == 503
                        && response.headers().firstValue("Retry-After").isEmpty()) {
                      retryAfterMissing.incrementAndGet();
                    }
                    try {
                      Thread.sleep(20);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 60);
    broker.kill();
    down.set(true);
    int acceptedBeforeKill = acknowledged.size();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> statuses.getOrDefault(503, new AtomicInteger()).get() >= 5);
    Thread.sleep(3000); // keep posting against the dead broker for a while
    down.set(false);
    broker.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> acknowledged.size() >= acceptedBeforeKill + 60);
    running.set(false);
    sender.join(Duration.ofSeconds(30));

    assertThat(statuses.get(503).get()).isGreaterThanOrEqualTo(5);
    assertThat(retryAfterMissing.get()).isZero();
    assertThat(acceptedWhileDown.get()).as("202 answers while the broker was dead").isZero();

    AvroDeserializer<ClickstreamEvent> values = new AvroDeserializer<>(ClickstreamEvent.class);
    values.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    List<ConsumerRecord<String, byte[]>> read =
        TopicReader.readUntil(
            broker.bootstrapServers(),
            Topics.CLICKSTREAM.name(),
            records ->
                records.stream()
                    .map(r -> values.deserialize(r.topic(), r.value()).getEventId())
                    .collect(Collectors.toSet())
                    .containsAll(acknowledged),
            Duration.ofSeconds(60));
    Set<String> written =
        read.stream()
            .map(r -> values.deserialize(r.topic(), r.value()).getEventId())
            .collect(Collectors.toSet());
    assertThat(written).containsAll(acknowledged);
  }
}
