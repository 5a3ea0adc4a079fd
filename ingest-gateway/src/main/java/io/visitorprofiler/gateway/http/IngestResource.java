package io.visitorprofiler.gateway.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.gateway.enrich.ClockSkew;
import io.visitorprofiler.gateway.enrich.EdgeEnricher;
import io.visitorprofiler.gateway.enrich.RequestFacts;
import io.visitorprofiler.gateway.ingest.EventBatch;
import io.visitorprofiler.gateway.ingest.EventBatchReader;
import io.visitorprofiler.gateway.ingest.IncomingEvent;
import io.visitorprofiler.gateway.limit.RateLimiter;
import io.visitorprofiler.gateway.publish.EventPublisher;
import io.visitorprofiler.gateway.publish.OutgoingEvent;
import io.visitorprofiler.gateway.publish.PublishResult;
import io.visitorprofiler.gateway.site.Site;
import io.visitorprofiler.gateway.site.SiteRegistry;
import io.visitorprofiler.runtime.health.KafkaReachability;
import io.visitorprofiler.runtime.http.ApiError;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: authenticate the site, bound the body, read and validate the batch,
 * rate-limit, enrich, publish, and answer 202 only when Kafka acknowledged every event.
 */
public final class IngestResource implements HttpRoutes {
  private static final Logger log = LoggerFactory.getLogger(IngestResource.class);

  private final SiteAuthenticator authenticator;
  private final EventBatchReader reader;
  private final EdgeEnricher enricher;
  private final RateLimiter limiter;
  private final EventPublisher publisher;
  private final KafkaReachability kafka;
  private final int maxBodyBytes;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public IngestResource(
      SiteRegistry sites,
      EventBatchReader reader,
      EdgeEnricher enricher,
      RateLimiter limiter,
      EventPublisher publisher,
      KafkaReachability kafka,
      int maxBodyBytes,
      Clock clock,
      MeterRegistry metrics) {
    this.authenticator = new SiteAuthenticator(sites);
    this.reader = reader;
    this.enricher = enricher;
    this.limiter = limiter;
    this.publisher = publisher;
    this.kafka = kafka;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.options("/v1/events", ctx -> authenticator.preflight(ctx, "POST, OPTIONS"));
    routes.post("/v1/events", this::post);
  }

  private void post(Context ctx) throws InterruptedException {
    long receivedAt = clock.millis();
    Site site = authenticator.authenticate(ctx);
    byte[] body = readBounded(ctx);
    if (body == null) {
      reject(ctx, 413, "body larger than " + maxBodyBytes + " bytes", "too_large", List.of());
      return;
    }
    EventBatch batch;
    try {
      batch = reader.read(body);
    } catch (EventBatchReader.TooManyEvents e) {
      reject(ctx, 413, e.getMessage(), "too_many_events", List.of());
      return;
    }
    if (!batch.valid()) {
      reject(
          ctx,
          400,
          "invalid events; nothing of this batch was accepted",
          "invalid",
          batch.problems());
      return;
    }
    RequestFacts facts = enricher.facts(receivedAt, ctx.ip(), ctx::header);
    RateLimiter.Decision decision =
        limiter.admit(site.siteId(), facts.clientKey(), batch.events().size());
    if (!decision.allowed()) {
      retryAfter(ctx, decision.retryAfter());
      reject(ctx, 429, "rate limited: " + decision.limit(), "rate_limited", List.of());
      return;
    }
    if (!kafka.reachable()) {
      retryAfter(ctx, Duration.ofSeconds(5));
      reject(ctx, 503, "Kafka is unreachable; retry later", "kafka_unreachable", List.of());
      return;
    }
    long skew = ClockSkew.skew(receivedAt, batch.sentAt());
    List<OutgoingEvent> outgoing = new ArrayList<>(batch.events().size());
    for (IncomingEvent event : batch.events()) {
      outgoing.add(
          new OutgoingEvent(
              event.type().chat() ? Topics.CHAT.name() : Topics.CLICKSTREAM.name(),
              event.visitorId(),
              enricher.enrich(site.siteId(), facts, skew, event)));
    }
    PublishResult result = publisher.publish(outgoing);
    switch (result) {
      case PublishResult.Acknowledged ok -> {
        count("vp.gateway.events.accepted", "site", site.siteId(), ok.count());
        count("vp.gateway.batches", "outcome", "accepted", 1);
        ctx.status(202).json(Map.of("accepted", ok.count()));
      }
      case PublishResult.Overloaded overloaded -> {
        retryAfter(ctx, Duration.ofSeconds(1));
        reject(ctx, 503, "busy: " + overloaded.reason() + "; retry later", "overloaded", List.of());
      }
      case PublishResult.Unavailable unavailable -> {
        log.warn(
            "batch of {} events for site {} not sent: {}",
            outgoing.size(),
            site.siteId(),
            unavailable.reason());
        retryAfter(ctx, Duration.ofSeconds(5));
        reject(
            ctx,
            503,
            "the schema registry is unavailable; retry later",
            "registry_unavailable",
            List.of());
      }
      case PublishResult.Failed failed -> {
        log.warn(
            "batch of {} events for site {} not acknowledged: {}",
            outgoing.size(),
            site.siteId(),
            failed.reason());
        retryAfter(ctx, Duration.ofSeconds(5));
        reject(
            ctx,
            503,
            "Kafka did not acknowledge the batch; retry it",
            "not_acknowledged",
            List.of());
      }
    }
  }

  /**
   * The body, or null when it is larger than the limit. An oversized body is read and discarded up
   * to {@link #DRAIN_LIMIT} so the client, still sending, can read the 413 on an intact connection;
   * beyond that the connection is closed.
   */
  private byte[] readBounded(Context ctx) {
    try (InputStream in = ctx.bodyInputStream()) {
      if (ctx.contentLength() > maxBodyBytes) {
        drain(in, ctx.contentLength());
        return null;
      }
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        drain(in, DRAIN_LIMIT);
        return null;
      }
      return body;
    } catch (IOException e) {
      throw new io.javalin.http.BadRequestResponse("could not read the body: " + e.getMessage());
    }
  }

  private static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  private static void drain(InputStream in, long announced) throws IOException {
    long left = Math.min(announced < 0 ? DRAIN_LIMIT : announced, DRAIN_LIMIT);
    byte[] buffer = new byte[16 * 1024];
    int read;
    while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
      left -= read;
    }
  }

  private static void retryAfter(Context ctx, Duration wait) {
    ctx.header("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
  }

  private void reject(
      Context ctx, int status, String message, String reason, List<ApiError.Problem> problems) {
    count("vp.gateway.batches", "outcome", reason, 1);
    ctx.status(status).json(new ApiError(message, problems));
  }

  private void count(String name, String tag, String value, int amount) {
    counters
        .computeIfAbsent(
            name + '|' + value, k -> Counter.builder(name).tag(tag, value).register(metrics))
        .increment(amount);
  }
}
