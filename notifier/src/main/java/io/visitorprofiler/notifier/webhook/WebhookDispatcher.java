package io.visitorprofiler.notifier.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visitorprofiler.runtime.http.BoundedHttp;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts segment changes to the subscribed webhooks: a JSON body, signed with HMAC-SHA256 over the
 * timestamp and the body; retried with exponential back-off and jitter; after the last attempt, a
 * dead letter with the reason. Each webhook has its own bounded queue and worker, so a slow or dead
 * endpoint delays only itself and never the agents' alerts; a full queue sends the change straight
 * to the dead letter.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a change goes when it could not be delivered. */
  public interface DeadLetters {
    void send(Webhook webhook, String key, byte[] body, String reason);
  }

  /** Back-off and limits of the deliveries. */
  public record Policy(
      int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration timeout, int queue) {}

  private record Delivery(String key, byte[] body) {}

  private final List<Worker> workers = new ArrayList<>();
  private final HttpClient http;
  private final Policy policy;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Timer latency;
  private final Counter failures;
  private final Counter dead;

  public WebhookDispatcher(
      List<Webhook> webhooks,
      HttpClient http,
      Policy policy,
      DeadLetters deadLetters,
      Clock clock,
      MeterRegistry metrics) {
    this.http = http;
    this.policy = policy;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.latency =
        Timer.builder("vp.notifier.webhook.latency")
            .description("Successful webhook calls")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
    this.failures = Counter.builder("vp.notifier.webhook.failures").register(metrics);
    this.dead = Counter.builder("vp.notifier.webhook.dead.letters").register(metrics);
    for (Webhook webhook : webhooks) {
      Worker worker = new Worker(webhook);
      workers.add(worker);
      worker.thread.start();
    }
  }

  /** Queues the change for every webhook that wants it; never blocks. */
  public void dispatch(SegmentChange change) {
    byte[] body = null;
    for (Worker worker : workers) {
      if (!worker.webhook.wants(change.getSegmentId())) {
        continue;
      }
      if (body == null) {
        body = body(change);
      }
      if (!worker.queue.offer(new Delivery(change.getChangeId(), body))) {
        dead.increment();
        deadLetters.send(worker.webhook, change.getChangeId(), body, "webhook queue full");
      }
    }
  }

  static byte[] body(SegmentChange change) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("changeId", change.getChangeId());
    json.put("siteId", change.getSiteId());
    json.put("visitorId", change.getVisitorId());
    json.put("segmentId", change.getSegmentId());
    json.put("segmentName", change.getSegmentName());
    json.put("transition", change.getTransition().name());
    json.put("at", change.getCauseEventTime().toString());
    ProfileSnapshot s = change.getSnapshot();
    if (s != null) {
      Map<String, Object> snapshot = new LinkedHashMap<>();
      snapshot.put("city", s.getCity());
      snapshot.put("country", s.getCountry());
      snapshot.put("currentUrl", s.getCurrentUrl());
      snapshot.put("cartValue", s.getCartValue());
      snapshot.put("visits", s.getVisits());
      snapshot.put("name", s.getName());
      json.put("snapshot", snapshot);
    }
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Worker {
    private final Webhook webhook;
    private final BlockingQueue<Delivery> queue;
    private final Thread thread;

    Worker(Webhook webhook) {
      this.webhook = webhook;
      this.queue = new ArrayBlockingQueue<>(policy.queue());
      this.thread = Thread.ofVirtual().name("webhook-" + webhook.segmentId()).unstarted(this::run);
    }

    /** Delivers until closed; a delivery that fails unexpectedly is logged, the next goes on. */
    private void run() {
      try {
        while (true) {
          Delivery delivery = queue.take();
          try {
            deliver(delivery);
          } catch (RuntimeException e) {
            // Its dead letter could not be written (the registry down, say): the change is lost
            // for this webhook, the webhook is not.
            log.error("{} could not finish a delivery", webhook, e);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void deliver(Delivery delivery) throws InterruptedException {
      String lastError = "";
      for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
        long timestamp = clock.millis() / 1000;
        HttpRequest request =
            HttpRequest.newBuilder(webhook.url())
                .timeout(policy.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "visitor-profiler-notifier")
                .header("X-VP-Delivery", delivery.key())
                .header("X-VP-Attempt", String.valueOf(attempt))
                .header(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp))
                .header(
                    WebhookSignature.SIGNATURE_HEADER,
                    WebhookSignature.sign(webhook.secret(), timestamp, delivery.body()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                .build();
        long start = System.nanoTime();
        try {
          int status =
              BoundedHttp.send(http, request, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status >= 200 && status < 300) {
            latency.record(Duration.ofNanos(System.nanoTime() - start));
            return;
          }
          lastError = "HTTP " + status;
        } catch (java.io.IOException e) {
          lastError = e.getClass().getSimpleName();
        }
        failures.increment();
        if (attempt < policy.maxAttempts()) {
          Thread.sleep(backoff(attempt).toMillis());
        }
      }
      dead.increment();
      // Not the delivery's key: a change id, which begins with the visitor's id.
      log.warn(
          "{} gave up on a delivery after {} attempts ({}); it goes to the dead-letter topic",
          webhook,
          policy.maxAttempts(),
          lastError);
      deadLetters.send(
          webhook,
          delivery.key(),
          delivery.body(),
          "webhook failed after " + policy.maxAttempts() + " attempts: " + lastError);
    }
  }

  /** Exponential back-off with jitter: between half and all of first × 2^(attempt-1), capped. */
  Duration backoff(int attempt) {
    long ceiling =
        Math.min(
            policy.maxBackoff().toMillis(),
            policy.firstBackoff().toMillis() << Math.min(20, attempt - 1));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  @Override
  public void close() {
    workers.forEach(w -> w.thread.interrupt());
  }
}
