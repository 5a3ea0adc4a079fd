package io.visitorprofiler.notifier.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A webhook's worker outlives a dead letter it could not write, and a receiver that stalls. */
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

  @Test
  void aReceiverThatStopsInTheMiddleOfItsAnswerIsGivenUpAfterTheTimeout() throws Exception {
    // Java's HTTP client times a request only until the answer's headers (before JDK 26): without
    // a limit of its own the worker would wait for the rest of this body for ever.
    List<String> written = new CopyOnWriteArrayList<>();
    List<String> reasons = new CopyOnWriteArrayList<>();
    try (ServerSocket receiver = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket peer = receiver.accept()) {
                  peer.getInputStream().read(new byte[8192]);
                  peer.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"
                              .getBytes(StandardCharsets.US_ASCII));
                  peer.getOutputStream().flush();
                  Thread.sleep(60_000);
                } catch (Exception e) {
                  // the test is over
                }
              });
      Webhook hook =
          new Webhook(
              "vip",
              "0123456789abcdef",
              URI.create("http://127.0.0.1:" + receiver.getLocalPort() + "/hook"));
      try (WebhookDispatcher dispatcher =
          new WebhookDispatcher(
              List.of(hook),
              HttpClient.newHttpClient(),
              new WebhookDispatcher.Policy(
                  1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(300), 10),
              (webhook, key, body, reason) -> {
                reasons.add(reason);
                written.add(key);
              },
              Clock.systemUTC(),
              new SimpleMeterRegistry())) {
        dispatcher.dispatch(change("c-1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> written.contains("c-1"));
        assertThat(reasons).singleElement().asString().contains("HttpTimeoutException");
      }
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
