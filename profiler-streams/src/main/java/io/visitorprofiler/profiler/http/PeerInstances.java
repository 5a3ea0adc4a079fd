package io.visitorprofiler.profiler.http;

import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.runtime.http.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks another running instance of the profiler on a caller's behalf, with the admin token and
 * marked as forwarded, so that it answers from its own state and does not ask further: how a query
 * over every instance's visitors (their online visitors, a preview) or a visitor another instance
 * owns is answered by any instance.
 */
final class PeerInstances {
  /** Marks a request forwarded by another instance: answer from local state only. */
  static final String FORWARDED = "X-VP-Forwarded";

  private final String adminToken;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  PeerInstances(String adminToken) {
    this.adminToken = adminToken;
  }

  /** Whether the request came from another instance (answer it from this one's state only). */
  static boolean forwarded(Context ctx) {
    return ctx.header(FORWARDED) != null;
  }

  HttpResponse<String> get(String instance, String path) {
    return send(request(instance, path).GET().build(), instance);
  }

  /**
   * Asks {@code instance} without waiting for its answer. {@code timeout} bounds the wait for the
   * answer's headers only (see {@link BoundedHttp}): the caller bounds the wait for the whole of
   * it.
   */
  CompletableFuture<HttpResponse<String>> getAsync(String instance, String path, Duration timeout) {
    return http.sendAsync(
        request(instance, path).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String instance, String path, String json) {
    return send(
        request(instance, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        instance);
  }

  /**
   * Sends a write ({@code PUT} or {@code DELETE} with its body and the given headers) to the
   * instance that makes it, waiting up to {@code timeout}: that instance may wait for its own lock
   * and for the write to load before it answers.
   */
  HttpResponse<String> write(
      String instance,
      String method,
      String path,
      String body,
      Map<String, String> headers,
      Duration timeout) {
    HttpRequest.Builder request =
        request(instance, path)
            .timeout(timeout)
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try {
      return BoundedHttp.send(http, request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServiceUnavailableResponse(
          "instance "
              + instance
              + ", which makes this segment's edits, did not answer; the edit may or may not be"
              + " saved (GET shows which)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    }
  }

  /**
   * What {@code instance} answered, read by {@code reader}; an answer other than 200, or one that
   * cannot be read, is a {@link ServiceUnavailableResponse} naming the instance, as one that does
   * not answer at all is.
   */
  static <T> T read(String instance, HttpResponse<String> answer, ObjectReader reader) {
    if (answer.statusCode() != 200) {
      throw new ServiceUnavailableResponse(
          "instance " + instance + " answered with " + answer.statusCode());
    }
    try {
      return reader.readValue(answer.body());
    } catch (IOException e) {
      throw new ServiceUnavailableResponse("instance " + instance + " answered unreadably");
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String instance, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + instance + path))
        .timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + adminToken)
        .header(FORWARDED, "true");
  }

  private HttpResponse<String> send(HttpRequest request, String instance) {
    try {
      return BoundedHttp.send(http, request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServiceUnavailableResponse("instance " + instance + " did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    }
  }
}
