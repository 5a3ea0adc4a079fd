package io.visitorprofiler.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Posts a simulated browser's events to the real ingest gateway as tracker.js does (a JSON batch,
 * the site's write key, the shop's origin, a browser's user agent) and listens to its invitation
 * stream. The simulated CDN adds the visitor's geography and address headers, which the demo's
 * gateway is configured to trust.
 */
final class GatewayClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 5;

  private final URI gateway;
  private final String origin;
  private final String writeKey;
  private final HttpClient http;
  final LongAdder eventsAccepted = new LongAdder();
  final LongAdder batchesRefused = new LongAdder();

  GatewayClient(URI gateway, String origin, String writeKey) {
    this.gateway = gateway;
    this.origin = origin;
    this.writeKey = writeKey;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Posts one batch, retrying 429/503 and network errors as the tracker does; true when the gateway
   * answered 202. A 400 is a bug of the simulation and is reported.
   */
  boolean post(List<ObjectNode> events, Map<String, String> browserHeaders)
      throws InterruptedException {
    ObjectNode batch = JSON.createObjectNode();
    batch.put("sentAt", System.currentTimeMillis());
    ArrayNode array = batch.putArray("events");
    events.forEach(array::add);
    String body = batch.toString();
    long backoff = 500;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(gateway.resolve("/v1/events"))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", "Bearer " + writeKey)
              .header("Content-Type", "application/json")
              .header("Origin", origin)
              .POST(HttpRequest.BodyPublishers.ofString(body));
      browserHeaders.forEach(request::header);
      try {
        HttpResponse<String> answer =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 202) {
          eventsAccepted.add(events.size());
          return true;
        }
        if (answer.statusCode() != 429 && answer.statusCode() != 503) {
          batchesRefused.increment();
          System.err.println(
              "demo: the gateway refused a batch (" + answer.statusCode() + "): " + answer.body());
          return false;
        }
        backoff =
            answer
                .headers()
                .firstValue("Retry-After")
                .map(s -> Long.parseLong(s.trim()) * 1000)
                .orElse(backoff);
      } catch (IOException e) {
        // the gateway restarts or is gone: retry as the tracker would
      }
      Thread.sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
    batchesRefused.increment();
    return false;
  }

  /**
   * Opens a visitor's invitation stream (server-sent events) as the tracker's EventSource does;
   * each invitation's JSON goes to {@code onInvitation} on a thread of its own until the stream is
   * closed.
   */
  AutoCloseable openInvitations(
      String siteId,
      String visitorId,
      Map<String, String> browserHeaders,
      Consumer<ObjectNode> onInvitation) {
    URI uri =
        gateway.resolve(
            "/v1/visitors/"
                + URLEncoder.encode(visitorId, StandardCharsets.UTF_8)
                + "/invitations?siteId="
                + siteId
                + "&writeKey="
                + writeKey);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").header("Origin", origin);
    browserHeaders.forEach(request::header);
    CompletableFuture<HttpResponse<InputStream>> response =
        http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    Thread reader =
        Thread.ofVirtual()
            .name("invitations-" + visitorId)
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(response.join().body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                      if (line.startsWith("data:")) {
                        onInvitation.accept((ObjectNode) JSON.readTree(line.substring(5).trim()));
                      }
                    }
                  } catch (IOException | RuntimeException e) {
                    // the stream ended: the visitor left, or the gateway went away
                  }
                });
    return () -> {
      response.thenAccept(
          r -> {
            try {
              r.body().close();
            } catch (IOException e) {
              // already closed
            }
          });
      response.cancel(true);
      reader.interrupt();
    };
  }
}
