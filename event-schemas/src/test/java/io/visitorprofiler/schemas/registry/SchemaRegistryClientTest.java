package io.visitorprofiler.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.visitorprofiler.schemas.Invitation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The REST client against a scripted HTTP server; the real registry is in SchemaRegistryIT. */
class SchemaRegistryClientTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile Responder responder;

  interface Responder {
    void respond(HttpExchange exchange) throws IOException;
  }

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          responder.respond(exchange);
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void registersOnceAndKnowsTheSchemaByIdWithoutAskingAgain() {
    responder = exchange -> answer(exchange, 200, "{\"id\":7}");
    SchemaRegistryClient client = client(2, Duration.ofSeconds(5));

    assertThat(client.register("vp.invitations.v1-value", Invitation.getClassSchema()))
        .isEqualTo(7);
    assertThat(client.register("vp.invitations.v1-value", Invitation.getClassSchema()))
        .isEqualTo(7);
    assertThat(client.schemaById(7)).isEqualTo(Invitation.getClassSchema());

    assertThat(requests)
        .containsExactly("POST /apis/ccompat/v7/subjects/vp.invitations.v1-value/versions");
  }

  @Test
  void sendsBasicAuthentication() {
    responder = exchange -> answer(exchange, 200, "{\"is_compatible\":true}");
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            new SchemaRegistryConfig(
                url(),
                Optional.of("svc:s3cret"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                0,
                Duration.ofMillis(1)));

    assertThat(client.isCompatible("s-value", Invitation.getClassSchema())).isTrue();
    assertThat(authorizations).containsExactly("Basic c3ZjOnMzY3JldA==");
  }

  @Test
  void retriesServerErrorsWithBackOff() {
    AtomicInteger calls = new AtomicInteger();
    responder =
        exchange -> {
          if (calls.incrementAndGet() < 3) {
            answer(exchange, 503, "{\"error_code\":50301,\"message\":\"busy\"}");
          } else {
            answer(
                exchange,
                200,
                "{\"schema\":" + quoted(Invitation.getClassSchema().toString()) + "}");
          }
        };

    assertThat(client(3, Duration.ofSeconds(5)).schemaById(3))
        .isEqualTo(Invitation.getClassSchema());
    assertThat(requests).hasSize(3);
  }

  @Test
  void aConflictWhileAnotherInstanceRegistersTheSameSchemaFindsItsId() {
    // Apicurio answers 409 "already exists" to the loser of two concurrent registrations of a new
    // subject (seen in ScaleOutIT); the schema is there, so the lookup finds its id.
    responder =
        exchange -> {
          if (exchange.getRequestURI().getPath().endsWith("/versions")) {
            answer(
                exchange,
                409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 's-value' in group 'null'"
                    + " already exists.\"}");
          } else {
            answer(exchange, 200, "{\"id\":7,\"version\":1}");
          }
        };

    assertThat(client(3, Duration.ofSeconds(5)).register("s-value", Invitation.getClassSchema()))
        .isEqualTo(7);
    assertThat(requests)
        .containsExactly(
            "POST /apis/ccompat/v7/subjects/s-value/versions",
            "POST /apis/ccompat/v7/subjects/s-value");
  }

  @Test
  void anIncompatibleSchemaIsRefusedWithTheRegistrysConflict() {
    responder =
        exchange -> {
          if (exchange.getRequestURI().getPath().endsWith("/versions")) {
            answer(
                exchange,
                409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
          } else {
            answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
          }
        };

    assertThatThrownBy(
            () -> client(3, Duration.ofSeconds(5)).register("s-value", Invitation.getClassSchema()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("incompatible");
    assertThat(requests).hasSize(2);
  }

  @Test
  void clientErrorsAreReportedWithTheRegistrysWordsAndNotRetried() {
    responder =
        exchange ->
            answer(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");

    assertThatThrownBy(() -> client(3, Duration.ofSeconds(5)).latest("x"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(40401);
              assertThat(e.retriable()).isFalse();
            })
        .hasMessageContaining(
            "schema registry refused GET " + url() + "/subjects/x/versions/latest")
        .hasMessageContaining("HTTP 404 error 40401: Subject 'x' not found.");
    assertThat(requests).hasSize(1);
  }

  @Test
  void aRecordsOwnMissingSchemaIsTheRecordsFaultButARefusalOfUsIsTheRegistrys() {
    // A schema id the registry does not have: that record's fault (dead-lettered).
    responder =
        exchange ->
            answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
    assertThat(
            SchemaRegistryException.isOutage(
                failureOf(() -> client(0, Duration.ofSeconds(5)).schemaById(1))))
        .isFalse();
    // Our credentials refused, or no registry at that path: every record would fail the same way.
    for (int status : new int[] {401, 403}) {
      responder = exchange -> answer(exchange, status, "{\"error_code\":" + status + "01}");
      assertThat(
              SchemaRegistryException.isOutage(
                  failureOf(() -> client(0, Duration.ofSeconds(5)).schemaById(1))))
          .as("HTTP %d", status)
          .isTrue();
    }
    // A schema the record's id names that is not Avro (a JSON Schema one): the record's fault.
    responder =
        exchange -> answer(exchange, 200, "{\"schema\": \"{\\\"type\\\": \\\"object\\\"}\"}");
    assertThat(
            SchemaRegistryException.isOutage(
                failureOf(() -> client(0, Duration.ofSeconds(5)).schemaById(2))))
        .isFalse();
    // JSON, but no registry's answer (another service at that URL): not the record's either.
    responder = exchange -> answer(exchange, 200, "{\"status\": \"UP\"}");
    assertThat(
            SchemaRegistryException.isOutage(
                failureOf(() -> client(0, Duration.ofSeconds(5)).schemaById(3))))
        .isTrue();
    responder = exchange -> answer(exchange, 404, "<html>Not Found</html>");
    assertThat(
            SchemaRegistryException.isOutage(
                failureOf(() -> client(0, Duration.ofSeconds(5)).schemaById(1))))
        .isTrue();
  }

  @Test
  void aSuccessThatIsNotJsonIsNamedAtOnceNotRetriedAsSilence() {
    responder = exchange -> answer(exchange, 200, "<html>Sign in</html>");

    RuntimeException failure = failureOf(() -> client(3, Duration.ofSeconds(5)).schemaById(1));
    assertThat(failure)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("answered GET " + url() + "/schemas/ids/1 with HTTP 200")
        .hasMessageContaining("not JSON");
    assertThat(requests).hasSize(1);
    assertThat(SchemaRegistryException.isOutage(failure))
        .isTrue(); // the URL's fault, not a record's
  }

  private static RuntimeException failureOf(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void anUnreachableRegistryFailsAfterItsRetriesNamingTheUrl() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String deadUrl = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            new SchemaRegistryConfig(
                deadUrl,
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                2,
                Duration.ofMillis(10)));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("schema registry did not answer GET " + deadUrl + "/schemas/ids/1")
        .hasMessageEndingWith("(gave up after 3 attempts)");
  }

  @Test
  void aRegistryThatHangsTimesOutInsteadOfHangingTheCaller() {
    responder =
        exchange -> {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answer(exchange, 200, "{}");
        };

    assertThatThrownBy(() -> client(0, Duration.ofMillis(300)).schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("HttpTimeoutException");
  }

  @Test
  @Timeout(30) // a client that times only the headers waits for the rest of the body for ever
  void aRegistryThatStopsInTheMiddleOfItsAnswerTimesOut() {
    // Java's HTTP client times a request only until the answer's headers (before JDK 26). The
    // registry keeps the rest of its body until the caller has given up: nothing races a clock.
    CountDownLatch callerDone = new CountDownLatch(1);
    responder =
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, 100);
          exchange.getResponseBody().write('{');
          exchange.getResponseBody().flush();
          try {
            callerDone.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        };

    try {
      assertThatThrownBy(() -> client(0, Duration.ofMillis(300)).schemaById(1))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessageContaining("did not answer")
          .hasMessageContaining("HttpTimeoutException");
    } finally {
      callerDone.countDown();
    }
  }

  @Test
  void aMalformedUrlIsRefusedUpFront() {
    assertThatThrownBy(() -> SchemaRegistryConfig.of("127.0.0.1:8081"))
        .hasMessage("schema.registry.url must be an http(s) URL, got 127.0.0.1:8081");
  }

  private SchemaRegistryClient client(int retries, Duration requestTimeout) {
    return new SchemaRegistryClient(
        new SchemaRegistryConfig(
            url(),
            Optional.empty(),
            Duration.ofSeconds(1),
            requestTimeout,
            retries,
            Duration.ofMillis(10)));
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
