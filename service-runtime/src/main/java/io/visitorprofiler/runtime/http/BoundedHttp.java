package io.visitorprofiler.runtime.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP calls whose whole answer, its body included, comes within the request's timeout. Java's
 * {@link HttpClient} times a request only until its answer's headers (JDK-8208693, changed in JDK
 * 26): a server that sends its headers and then stops, or sends its body for ever, holds the caller
 * for ever. Here the caller waits for the whole answer up to the timeout, and the exchange is
 * cancelled when it has not come.
 */
public final class BoundedHttp {
  private BoundedHttp() {}

  /**
   * Sends {@code request}, which must have a timeout, and returns its whole answer.
   *
   * @throws HttpTimeoutException when the whole answer did not come within the request's timeout
   * @throws IOException when the request could not be sent or the answer not read
   */
  public static <T> HttpResponse<T> send(
      HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    Duration limit =
        request
            .timeout()
            .orElseThrow(() -> new IllegalArgumentException("a request without a timeout"));
    CompletableFuture<HttpResponse<T>> answer = client.sendAsync(request, body);
    try {
      return answer.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException(
          "no whole answer from " + request.uri().getHost() + " within " + limit);
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException failure) {
        throw failure;
      }
      throw new IOException(e.getCause());
    }
  }
}
