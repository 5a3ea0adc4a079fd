package io.visitorprofiler.notifier.webhook;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A webhook's worker outlives a dead letter it could not write. */
class WebhookDispatcherTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void aDeadLetterThatFailsDoesNotEndTheWebhooksDeliveries() {
    AtomicInteger calls = new AtomicInteger();
    List<String> written = new CopyOnWriteArrayList<>();
    WebhookDispatcher.DeadLetters letters =
        (webhook, key, body, reason) -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("the registry is down"); // as a serializer throws
          }
          written.add(key);
        };
    // Port 1 on loopback refuses at once: every delivery fails and goes to the dead letter.
    Webhook hook = new Webhook("vip", "0123456789abcdef", URI.create("http://127.0.0.1:1/hook"));
    try (WebhookDispatcher dispatcher =
        new WebhookDispatcher(
            List.of(hook),
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build(),
            new WebhookDispatcher.Policy(
                1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), 10),
            letters,
            Clock.systemUTC(),
            new SimpleMeterRegistry())) {
      dispatcher.dispatch(change("c-1"));
      dispatcher.dispatch(change("c-2"));

      await().atMost(Duration.ofSeconds(10)).until(() -> written.contains("c-2"));
    }
  }

  private static SegmentChange change(String id) {
    return new SegmentChange(
        id,
        "v-1",
        "demo",
        "vip",
        "VIP",
        1L,
        Transition.ENTERED,
        10,
        ChangeCause.EVENT,
        "e",
        T0,
        T0,
        List.of(),
        new ProfileSnapshot("Miami", "US", null, null, null, 1, null));
  }
}
