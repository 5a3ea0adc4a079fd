package io.visitorprofiler.notifier.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbering, live delivery and the bounded replay window of an agent's alerts. */
class AlertHubTest {
  private static Alert alert(String visitor) {
    return new Alert(
        0,
        "c-" + visitor,
        "demo",
        visitor,
        visitor,
        "vip",
        "VIP",
        "VIP",
        "#000",
        1,
        Instant.EPOCH,
        null,
        null,
        null,
        null,
        true,
        true);
  }

  @Test
  void alertsAreNumberedPerAgentAndReplayedAfterTheLastSeen() {
    AlertHub hub = new AlertHub(100, Duration.ofMinutes(5), Clock.systemUTC());
    hub.publish("a1", alert("v1"));
    hub.publish("a1", alert("v2"));
    assertThat(hub.publish("a2", alert("v3")).id()).isEqualTo(1);
    List<Alert> received = new ArrayList<>();
    hub.connect("a1", 1, received::add);
    hub.publish("a1", alert("v4"));
    assertThat(received).extracting(Alert::visitorId).containsExactly("v2", "v4");
    assertThat(received).extracting(Alert::id).containsExactly(2L, 3L);
  }

  @Test
  void aFreshConsoleGetsNothingOldAndTheWindowIsBounded() {
    AlertHub hub =
        new AlertHub(2, Duration.ofMinutes(5), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    hub.publish("a1", alert("v1"));
    hub.publish("a1", alert("v2"));
    hub.publish("a1", alert("v3"));
    List<Alert> fresh = new ArrayList<>();
    hub.connect("a1", 0, fresh::add);
    assertThat(fresh).isEmpty();
    List<Alert> afterOne = new ArrayList<>();
    hub.connect("a1", 1, afterOne::add);
    assertThat(afterOne).extracting(Alert::visitorId).containsExactly("v2", "v3"); // keeps 2
    assertThat(hub.connected()).isEqualTo(2);
  }
}
