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
import java.util.List;
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

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
