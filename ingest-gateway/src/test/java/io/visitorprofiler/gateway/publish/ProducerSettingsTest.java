package io.visitorprofiler.gateway.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The gateway's producer configuration: overridable defaults, fixed durability. */
class ProducerSettingsTest {
  @Test
  void durabilityIsAlwaysOnEvenWhenThePassThroughSaysOtherwise() {
    Map<String, Object> props =
        ProducerSettings.of(
            Map.of(
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false),
            Duration.ofSeconds(15));

    assertThat(props)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }

  @Test
  void otherOverridesAreKept() {
    Map<String, Object> props =
        ProducerSettings.of(
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"),
            Duration.ofSeconds(15));

    assertThat(props)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092")
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
  }

  @Test
  void withoutOverridesTheBatchingDefaultsApply() {
    Map<String, Object> props = ProducerSettings.of(Map.of(), Duration.ofSeconds(15));

    assertThat(props)
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "vp-ingest-gateway")
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }

  @Test
  void theDeliveryTimeoutEndsBeforeTheAckTimeout() {
    assertThat(ProducerSettings.of(Map.of(), Duration.ofSeconds(15)))
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 14_000);
  }

  @Test
  void theDeliveryTimeoutNeverDropsBelowLingerPlusRequestTimeout() {
    assertThat(ProducerSettings.of(Map.of(), Duration.ofSeconds(2)))
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_005);
    // An operator who raises the request timeout does not get a producer that refuses to start.
    assertThat(
            ProducerSettings.of(
                Map.of(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"), Duration.ofSeconds(15)))
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_005);
  }
}
