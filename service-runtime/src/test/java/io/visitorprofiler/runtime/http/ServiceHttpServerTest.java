package io.visitorprofiler.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real routing in-process over real HTTP, health and metrics included. */
class ServiceHttpServerTest {
  private final AtomicBoolean kafkaUp = new AtomicBoolean(false);
  private final HttpClient http = HttpClient.newHttpClient();
  private ServiceHttpServer server;

  @BeforeEach
  void start() {
    PrometheusMeterRegistry metrics = ServiceMetrics.create("test-service");
    ServiceHealth health =
        new ServiceHealth()
            .add(
                "kafka",
                () -> kafkaUp.get() ? HealthStatus.up("reachable") : HealthStatus.down("no broker"))
            .addInformational("side-feature", () -> HealthStatus.down("not reading"))
            .add(
                "throws",
                () -> {
                  if (kafkaUp.get()) {
                    return HealthStatus.up("fine");
                  }
                  throw new IllegalStateException("secret://user:pass@host");
                });
    HttpRoutes secret =
        routes ->
            routes.get(
                "/v1/secret",
                ctx -> {
                  BearerTokens.require(ctx, "demo-admin");
                  ctx.json(java.util.Map.of("ok", true));
                });
    server =
        ServiceHttpServer.start(
            "test-service", new HttpSettings("127.0.0.1", 0), health, metrics, List.of(secret));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void livenessIsAlwaysUpAndReadinessFollowsItsChecks() throws Exception {
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);

    HttpResponse<String> notReady = get("/health/ready", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body())
        .contains("\"status\":\"DOWN\"")
        .contains("no broker")
        .contains("IllegalStateException")
        .doesNotContain("user:pass");

    kafkaUp.set(true);
    HttpResponse<String> ready = get("/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    // A side feature that is down is shown, and the service is ready without it.
    assertThat(ready.body()).contains("side-feature").contains("not reading");
  }

  @Test
  void tokensAreCheckedAndErrorsAreJson() throws Exception {
    HttpResponse<String> missing = get("/v1/secret", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.body()).isEqualTo("{\"error\":\"missing Bearer token\",\"problems\":[]}");
    assertThat(get("/v1/secret", "wrong").statusCode()).isEqualTo(401);
    assertThat(get("/v1/secret", "demo-admin").body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void metricsArePrometheusTextWithJvmAndRequestMetrics() throws Exception {
    get("/health/live", null);
    HttpResponse<String> metrics = get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("jvm_memory_used_bytes")
        .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health/live\"")
        .contains("service=\"test-service\"");
  }

  @Test
  void aStopSaysNotReadyFirstAndLetsARequestInFlightFinish() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpRoutes slow =
        routes ->
            routes.post(
                "/v1/slow",
                ctx -> {
                  entered.countDown();
                  release.await();
                  ctx.status(202).json(java.util.Map.of("accepted", 1));
                });
    kafkaUp.set(true);
    ServiceHttpServer stopping =
        ServiceHttpServer.start(
            "test-service",
            new HttpSettings("127.0.0.1", 0, Duration.ofMillis(1500), Duration.ofSeconds(10)),
            new ServiceHealth(),
            ServiceMetrics.create("test-service"),
            List.of(slow));
    String base = "http://127.0.0.1:" + stopping.port();
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/v1/slow"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::close);
    // While the drain delay runs, readiness says the service is going away; it still answers.
    HttpResponse<String> ready = null;
    for (int i = 0; i < 50; i++) {
      ready =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (ready.statusCode() == 503) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("STOPPING");

    // Past the drain delay the server stops, and waits for the request it is answering.
    Thread.sleep(2_000);
    assertThat(stopped).isNotDone();
    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    stopped.get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
