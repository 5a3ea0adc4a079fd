package io.visitorprofiler.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness's event loop against a real HTTP server on loopback. */
@Timeout(60) // a hang guard: a loop that misses an answer waits for ever
class LoadLoopTest {
  private HttpServer server;
  private URI endpoint;
  private final AtomicInteger posted = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> bodies = new ConcurrentHashMap<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.createContext(
        "/v1/events",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          bodies.merge(new String(body, StandardCharsets.UTF_8), 1, Integer::sum);
          int status = posted.incrementAndGet() % 10 == 0 ? 400 : 202;
          byte[] answer = "{\"accepted\":1}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/events");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void everyRequestTheSourceNamesIsSentOnceAndAnsweredOnce() throws IOException {
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      requests.add(
          LoadLoop.post(endpoint, "test", ("[" + i + "]").getBytes(StandardCharsets.UTF_8)));
    }
    int total = 100;
    int[] answers = new int[total];
    AtomicInteger accepted = new AtomicInteger();
    try (LoadLoop loop = new LoadLoop(endpoint, 4)) {
      loop.run(
          requests,
          requestsUpTo(total),
          (request, status, at) -> {
            answers[request]++;
            if (status == 202) {
              accepted.incrementAndGet();
            }
          });
      assertThat(loop.unopened()).isZero();
    }

    assertThat(answers).containsOnly(1);
    assertThat(posted).hasValue(total);
    assertThat(accepted).hasValue(90); // the server answers every tenth with 400
    // Request n is requests[n % 7]: 100 requests are 15 of the first two bodies and 14 of the rest.
    assertThat(bodies).containsEntry("[0]", 15).containsEntry("[1]", 15).containsEntry("[6]", 14);
  }

  @Test
  void theSameConnectionsServeRunAfterRun() throws IOException {
    List<byte[]> requests =
        List.of(LoadLoop.post(endpoint, "test", "[]".getBytes(StandardCharsets.UTF_8)));
    try (LoadLoop loop = new LoadLoop(endpoint, 2)) {
      for (int run = 1; run <= 3; run++) {
        AtomicInteger answered = new AtomicInteger();
        loop.run(requests, requestsUpTo(10), (request, status, at) -> answered.incrementAndGet());
        assertThat(answered).as("run %d", run).hasValue(10);
      }
    }
    assertThat(posted).hasValue(30);
  }

  @Test
  void aRequestWhoseConnectionBreaksIsAnsweredWithMinusOne() throws IOException {
    server.removeContext("/v1/events");
    server.createContext(
        "/v1/events",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.close(); // no answer sent: the server closes the connection
        });
    List<byte[]> requests =
        List.of(LoadLoop.post(endpoint, "test", "[]".getBytes(StandardCharsets.UTF_8)));
    List<Integer> statuses = new ArrayList<>();
    try (LoadLoop loop = new LoadLoop(endpoint, 1)) {
      loop.run(requests, requestsUpTo(1), (request, status, at) -> statuses.add(status));
    }

    assertThat(statuses).containsExactly(-1);
  }

  /** Requests 0 to {@code total} - 1, each once, as fast as the loop takes them. */
  private static LoadLoop.Source requestsUpTo(int total) {
    return new LoadLoop.Source() {
      private int next;

      @Override
      public int next() {
        return next < total ? next++ : -1;
      }

      @Override
      public boolean exhausted() {
        return next == total;
      }
    };
  }
}
