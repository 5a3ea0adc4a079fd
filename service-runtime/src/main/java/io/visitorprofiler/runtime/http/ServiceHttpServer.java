package io.visitorprofiler.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.runtime.health.ServiceHealth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of every service: Javalin on Jetty with virtual threads, JSON through Jackson,
 * {@code /health/live}, {@code /health/ready}, Prometheus {@code /metrics}, JSON error bodies, and
 * a request timer per route and status. Each resource adds its own routes.
 */
public final class ServiceHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceHttpServer.class);

  /** The JSON mapper of every service: ISO-8601 instants, no failure on empty beans. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Javalin app;
  private final HttpSettings settings;
  private final AtomicBoolean stopping;
  private final List<HttpRoutes> resources;

  private ServiceHttpServer(
      Javalin app, HttpSettings settings, AtomicBoolean stopping, List<HttpRoutes> resources) {
    this.app = app;
    this.settings = settings;
    this.stopping = stopping;
    this.resources = List.copyOf(resources);
  }

  public static ServiceHttpServer start(
      String service,
      HttpSettings settings,
      ServiceHealth health,
      PrometheusMeterRegistry metrics,
      List<HttpRoutes> resources) {
    AtomicBoolean stopping = new AtomicBoolean();
    Javalin app =
        Javalin.create(
            config -> {
              // A stop waits for the requests being answered (Javalin's handler goes inside).
              config.jetty.modifyServer(
                  server -> {
                    server.setHandler(new GracefulHandler());
                    server.setStopTimeout(settings.stopTimeout().toMillis());
                  });
              config.concurrency.useVirtualThreads = true;
              // No per-connection header cache: it looks each header line up character by
              // character in a table of its own per connection, and with hundreds of connections
              // those tables fall out of the processor's caches. In the gateway's load harness
              // (256 connections) perf put Jetty's request parsing at 6.2 % of the machine's CPU
              // with the cache and 2.6 % without it (session 25).
              config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
              config.startup.showJavalinBanner = false;
              // Javalin copies every result into Jetty's (pooled) output buffer through a buffer
              // of this size, allocated per response: 32 KiB by default, for answers that are
              // mostly a few dozen bytes (a third of the bytes the gateway allocated under load).
              config.http.responseBufferSize = 4096;
              config.jetty.host = settings.host();
              config.jetty.port = settings.port();
              config.jsonMapper(new JavalinJackson(JSON, true));
              config.requestLogger.http(
                  (ctx, millis) ->
                      Timer.builder("http.server.requests")
                          .tag("method", ctx.method().name())
                          .tag("route", route(ctx))
                          .tag("status", String.valueOf(ctx.statusCode()))
                          .register(metrics)
                          .record(Duration.ofNanos((long) (millis * 1_000_000))));
              config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
              config.routes.get(
                  "/health/ready",
                  ctx -> {
                    Map<String, HealthStatus> checks = health.evaluate();
                    boolean ready = health.ready(checks) && !stopping.get();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", stopping.get() ? "STOPPING" : ready ? "UP" : "DOWN");
                    body.put("checks", checks);
                    ctx.status(ready ? 200 : 503).json(body);
                  });
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.scrape()));
              resources.forEach(r -> r.addTo(config.routes));
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> ctx.status(e.getStatus()).json(ApiError.of(e.getMessage())));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), route(ctx), e);
                    ctx.status(500).json(ApiError.of("internal error"));
                  });
            });
    app.start();
    log.info("{} listening on http://{}:{}", service, settings.host(), app.port());
    return new ServiceHttpServer(app, settings, stopping, resources);
  }

  private static String route(io.javalin.http.Context ctx) {
    try {
      return ctx.endpoint().path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return app.port();
  }

  /**
   * Says {@code STOPPING} on readiness for the drain delay, ends the resources that are {@link
   * AutoCloseable} (their long-lived streams, which would hold the stop to its timeout), then stops
   * accepting and waits up to the stop timeout for the requests being answered.
   */
  @Override
  public void close() {
    drain();
    for (HttpRoutes resource : resources) {
      if (resource instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.warn("error while ending {}", resource.getClass().getSimpleName(), e);
        }
      }
    }
    try {
      app.stop();
    } catch (RuntimeException e) {
      // Requests still open at the stop timeout were cut; the caller goes on closing the rest.
      log.warn("HTTP server stopped with requests still open: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * Says {@code STOPPING} on readiness and waits the drain delay, once; the server still answers.
   */
  private void drain() {
    if (stopping.getAndSet(true)) {
      return;
    }
    if (settings.drainDelay().isPositive()) {
      log.info("stopping: not ready, draining for {}", settings.drainDelay());
      try {
        Thread.sleep(settings.drainDelay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
