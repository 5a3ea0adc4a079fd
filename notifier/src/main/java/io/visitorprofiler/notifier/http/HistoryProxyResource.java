package io.visitorprofiler.notifier.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.BoundedHttp;
import io.visitorprofiler.runtime.http.HttpRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The console's history view reads segment-sink through the notifier (same origin for the page):
 * {@code GET /v1/agents/{agentId}/history/transcripts} and {@code .../history/counts}, forwarded
 * with the agent's own token (segment-sink accepts agent tokens).
 */
public final class HistoryProxyResource implements HttpRoutes {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final URI sink;

  public HistoryProxyResource(URI sink) {
    this.sink = sink;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(
        "/v1/agents/{agentId}/history/transcripts",
        ctx ->
            forward(ctx, "/v1/transcripts", "siteId", "segmentId", "from", "to", "limit", "after"));
    routes.get("/v1/agents/{agentId}/history/counts", this::counts);
  }

  private void counts(Context ctx) {
    String segment = ctx.queryParam("segmentId");
    if (segment == null || segment.isBlank()) {
      throw new BadRequestResponse("segmentId is required");
    }
    forward(
        ctx,
        // A path segment: URLEncoder's '+' for a space would be a literal '+' there.
        "/v1/segments/"
            + URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20")
            + "/counts",
        "siteId",
        "from",
        "to");
  }

  private void forward(Context ctx, String path, String... params) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String name : params) {
      String value = ctx.queryParam(name);
      if (value != null && !value.isBlank()) {
        query.put(name, value);
      }
    }
    String token = BearerTokens.from(ctx).orElseGet(() -> ctx.queryParam("token"));
    String qs =
        query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(sink.resolve(path + (qs.isEmpty() ? "" : "?" + qs)))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .build();
    try {
      HttpResponse<String> answer =
          BoundedHttp.send(http, request, HttpResponse.BodyHandlers.ofString());
      ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
    } catch (IOException e) {
      throw new ServiceUnavailableResponse("segment-sink did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    }
  }
}
