package io.visitorprofiler.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Answers read whole within the request's timeout, from a server on a plain socket. */
class BoundedHttpTest {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void aWholeAnswerIsReturned() throws Exception {
    try (ServerSocket server = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")) {
      HttpResponse<String> answer =
          BoundedHttp.send(client, request(server, Duration.ofSeconds(5)), bodyAsString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("[]");
    }
  }

  @Test
  @Timeout(30) // HttpClient.send with the same request waits for the rest of the body for ever
  void anAnswerWhoseBodyStopsComingTimesOut() throws Exception {
    try (ServerSocket server =
        answering("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{\"visitorId\":")) {
      assertThatThrownBy(
              () ->
                  BoundedHttp.send(client, request(server, Duration.ofMillis(300)), bodyAsString()))
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessageContaining("no whole answer from 127.0.0.1 within PT0.3S");
    }
  }

  @Test
  void aRefusedConnectionIsTheClientsOwnFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/"))
            .timeout(Duration.ofSeconds(5))
            .build();

    assertThatThrownBy(() -> BoundedHttp.send(client, request, bodyAsString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void aRequestWithoutATimeoutIsRefused() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).build();

    assertThatThrownBy(() -> BoundedHttp.send(client, request, bodyAsString()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static HttpResponse.BodyHandler<String> bodyAsString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static HttpRequest request(ServerSocket server, Duration timeout) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))
        .timeout(timeout)
        .build();
  }

  /** A server that reads one request, writes {@code answer} and then keeps the connection open. */
  private static ServerSocket answering(String answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket peer = server.accept()) {
                peer.getInputStream().read(new byte[8192]);
                peer.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                peer.getOutputStream().flush();
                Thread.sleep(60_000);
              } catch (Exception e) {
                // the test is over
              }
            });
    return server;
  }
}
