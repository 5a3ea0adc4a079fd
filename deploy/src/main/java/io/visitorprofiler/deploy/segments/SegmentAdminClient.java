package io.visitorprofiler.deploy.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visitorprofiler.runtime.http.BoundedHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The profiler's segment admin API ({@code /v1/segments}) as the segments command uses it. */
final class SegmentAdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An answer of the API: its status and JSON body (missing when there is none). */
  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The API's problems ({@code where: message}), or the body's error text. */
    List<String> problems() {
      List<String> problems = new ArrayList<>();
      body.path("problems")
          .forEach(p -> problems.add(p.path("where").asText() + ": " + p.path("message").asText()));
      if (problems.isEmpty()) {
        problems.add(
            "HTTP " + status + (body.has("error") ? ": " + body.path("error").asText() : ""));
      }
      return problems;
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient http;

  SegmentAdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Every definition the profiler holds. */
  List<ObjectNode> list() {
    Answer answer = send(request("v1/segments").GET());
    if (!answer.ok()) {
      throw new SegmentAdminException("listing the segments failed: " + answer.problems());
    }
    List<ObjectNode> all = new ArrayList<>();
    answer.body().forEach(n -> all.add((ObjectNode) n));
    return all;
  }

  Answer put(String id, ObjectNode definition, boolean dryRun) {
    String body;
    try {
      body = JSON.writeValueAsString(definition);
    } catch (IOException e) {
      throw new SegmentAdminException("cannot write segment " + id + ": " + e.getMessage());
    }
    return send(
        request(path(id) + (dryRun ? "?dryRun=true" : ""))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer delete(String id) {
    return send(request(path(id)).DELETE());
  }

  private static String path(String id) {
    return "v1/segments/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    // Relative to the base (which ends in '/'), so a prefix such as https://host/profiler/ is kept.
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private Answer send(HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response = BoundedHttp.send(http, request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new SegmentAdminException(
          "profiler-streams is not reachable at " + base + " (is the stack up? ./vp status)");
    } catch (IOException e) {
      throw new SegmentAdminException("calling " + base + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SegmentAdminException("interrupted");
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new SegmentAdminException(
          "profiler-streams refused the admin token (set VP_ADMIN_TOKEN or --token)");
    }
    JsonNode body = MissingNode.getInstance();
    if (!response.body().isBlank()) {
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        body = JSON.createObjectNode().put("error", response.body());
      }
    }
    return new Answer(response.statusCode(), body);
  }
}
