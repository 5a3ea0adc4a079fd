package io.visitorprofiler.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that would make a valid batch unanswerable are refused at start-up. */
class GatewaySettingsTest {
  @Test
  void theLocalDefaultsStart() {
    GatewaySettings settings = settings();
    assertThat(settings.maxBatchEvents()).isEqualTo(500);
    assertThat(settings.maxInFlightEvents()).isEqualTo(50_000);
  }

  @Test
  void aBatchLimitOverTheSiteBurstIsRefused() {
    assertThatThrownBy(
            () ->
                settings(
                    "VP_GATEWAY_MAX_BATCH_EVENTS", "500",
                    "VP_GATEWAY_SITE_EVENTS_PER_SECOND", "100"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VP_GATEWAY_SITE_EVENTS_PER_SECOND");
  }

  @Test
  void aStopTimeoutShorterThanABatchsLongestWaitIsRefused() {
    // A stop would cut batches still waiting for Kafka's acknowledgement.
    assertThatThrownBy(() -> settings("VP_HTTP_STOP_TIMEOUT", "10s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VP_HTTP_STOP_TIMEOUT (PT10S)")
        .hasMessageContaining("VP_GATEWAY_ACK_TIMEOUT");
    assertThat(settings("VP_HTTP_STOP_TIMEOUT", "10s", "VP_GATEWAY_ACK_TIMEOUT", "5s").ackTimeout())
        .hasSeconds(5);
  }

  @Test
  void aBatchLimitOverTheEventsInFlightIsRefused() {
    assertThatThrownBy(
            () ->
                settings(
                    "VP_GATEWAY_MAX_BATCH_EVENTS", "500", "VP_GATEWAY_MAX_IN_FLIGHT_EVENTS", "100"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VP_GATEWAY_MAX_IN_FLIGHT_EVENTS (100)");
    assertThat(
            settings("VP_GATEWAY_MAX_BATCH_EVENTS", "100", "VP_GATEWAY_MAX_IN_FLIGHT_EVENTS", "100")
                .maxInFlightEvents())
        .isEqualTo(100);
  }

  private static GatewaySettings settings(String... namesAndValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      env.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return GatewaySettings.fromEnv(new EnvConfig(env));
  }
}
