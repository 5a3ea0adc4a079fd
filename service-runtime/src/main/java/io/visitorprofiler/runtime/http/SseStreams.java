package io.visitorprofiler.runtime.http;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The open server-sent-event streams of a resource: kept alive by a comment every {@code
 * keepAlive}, and all ended on close, before the server stops (a stream still open would hold the
 * stop to its timeout). A stream opened while closing is ended at once; its client reconnects to
 * another instance.
 */
public final class SseStreams implements AutoCloseable {
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService pinger;
  private volatile boolean closed;

  /**
   * @param name names the keep-alive thread ({@code name-keepalive})
   */
  public SseStreams(String name, Duration keepAlive) {
    this.pinger =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name(name + "-keepalive").unstarted(r));
    pinger.scheduleAtFixedRate(
        () -> clients.forEach(c -> c.sendComment("keep-alive")),
        keepAlive.toMillis(),
        keepAlive.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Keeps {@code client}'s stream open until it or this closes, then runs {@code onClose}; false
   * when closing (the stream is already ended).
   */
  public boolean open(SseClient client, Runnable onClose) {
    client.onClose(
        () -> {
          clients.remove(client);
          onClose.run();
        });
    client.keepAlive();
    clients.add(client);
    if (closed) { // perhaps after close() took its copy
      client.close();
      return false;
    }
    return true;
  }

  /** Ends every open stream. */
  @Override
  public void close() {
    closed = true;
    pinger.shutdownNow();
    for (SseClient client : Set.copyOf(clients)) {
      try {
        client.close();
      } catch (RuntimeException e) {
        // the connection is already gone
      }
    }
    clients.clear();
  }
}
