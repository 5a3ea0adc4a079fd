package io.visitorprofiler.notifier.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /**
   * Consoles reconnecting (with the id before the alert) while an alert is being pushed get it
   * once: by the replay or live, not both. They reconnect here while the first console takes the
   * alert; where a connect waits for the push, it is given half a second before the push goes on.
   */
  @Test
  void aConsoleReconnectingWhileAnAlertIsPushedGetsItOnce() throws Exception {
    AlertHub hub = new AlertHub(100, Duration.ofMinutes(5), Clock.systemUTC());
    hub.publish("a1", alert("v1"));
    List<List<Alert>> reconnected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      reconnected.add(new CopyOnWriteArrayList<>());
    }
    AtomicBoolean first = new AtomicBoolean(true);
    CountDownLatch connected = new CountDownLatch(reconnected.size());
    hub.connect(
        "a1",
        0,
        alert -> {
          if (!first.getAndSet(false)) {
            return;
          }
          for (List<Alert> console : reconnected) {
            Thread.ofPlatform()
                .start(
                    () -> {
                      hub.connect("a1", 1, console::add);
                      connected.countDown();
                    });
          }
          try {
            connected.await(500, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    hub.publish("a1", alert("v2"));
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();

    for (List<Alert> console : reconnected) {
      assertThat(console).extracting(Alert::id).containsExactly(2L);
    }
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
