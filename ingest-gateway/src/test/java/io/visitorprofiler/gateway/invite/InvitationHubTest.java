package io.visitorprofiler.gateway.invite;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.Invitation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InvitationHubTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private final InvitationHub hub =
      new InvitationHub(
          Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());

  @Test
  void aConnectedPageGetsItsVisitorsInvitationsOnly() {
    List<Invitation> page = new CopyOnWriteArrayList<>();
    hub.connect("demo", "v-1", page::add);

    hub.deliver(invitation("i-1", "v-1"));
    hub.deliver(invitation("i-2", "v-2"));

    assertThat(page).extracting(Invitation::getInvitationId).containsExactly("i-1");
  }

  @Test
  void aPageThatConnectsAMomentLaterGetsTheRecentOnesAndAClosedPageNothing() {
    hub.deliver(invitation("i-1", "v-1"));
    List<Invitation> later = new CopyOnWriteArrayList<>();
    hub.connect("demo", "v-1", later::add);
    List<Invitation> closed = new CopyOnWriteArrayList<>();
    InvitationHub.Listener closing = closed::add;
    hub.connect("demo", "v-1", closing);
    hub.disconnect("demo", "v-1", closing);

    hub.deliver(invitation("i-2", "v-1"));

    assertThat(later).extracting(Invitation::getInvitationId).containsExactly("i-1", "i-2");
    assertThat(closed).extracting(Invitation::getInvitationId).containsExactly("i-1");
  }

  /**
   * A navigation: the new page's stream connects while the old page's closes. The new page was once
   * added to the visitor's set of pages after the closing page had emptied that set and removed it
   * from the map, and never got an invitation. Here the closing page closes in the middle of the
   * new page's connect (while its listener is being added); where connecting is atomic the close
   * waits for it, and the new page's wait for the close gives up after a while.
   */
  @Test
  void aPageConnectingWhileTheLastOtherPageClosesStaysReachable() throws Exception {
    InvitationHub.Listener old = invitation -> {};
    hub.connect("demo", "v-1", old);
    CountDownLatch closed = new CountDownLatch(1);
    List<Invitation> page = new CopyOnWriteArrayList<>();
    AtomicBoolean first = new AtomicBoolean(true);
    InvitationHub.Listener opening =
        new InvitationHub.Listener() {
          @Override
          public void accept(Invitation invitation) {
            page.add(invitation);
          }

          @Override
          public int hashCode() {
            // Called as the listener is added to the visitor's set: the old page closes now.
            if (first.getAndSet(false)) {
              Thread.ofPlatform()
                  .start(
                      () -> {
                        hub.disconnect("demo", "v-1", old);
                        closed.countDown();
                      });
              try {
                closed.await(500, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return System.identityHashCode(this);
          }
        };

    hub.connect("demo", "v-1", opening);
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    hub.deliver(invitation("i-1", "v-1"));

    assertThat(page).extracting(Invitation::getInvitationId).containsExactly("i-1");
  }

  private static Invitation invitation(String id, String visitorId) {
    return new Invitation(
        id, "demo", visitorId, "seg-1", null, "Hi", NOW, NOW.plus(Duration.ofMinutes(5)));
  }
}
