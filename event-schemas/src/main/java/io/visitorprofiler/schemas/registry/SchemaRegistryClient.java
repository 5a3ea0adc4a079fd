package io.visitorprofiler.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the Confluent Schema Registry REST API (which Apicurio Registry also serves).
 * Schemas by id and ids by schema are cached: each is looked up once per process. Connection errors
 * and server errors are retried with a doubling back-off; every failure names the registry and the
 * request.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistryConfig config;
  private final HttpClient http;
  private final String authorization;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, Schema schema) {}

  public SchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    this.authorization =
        config
            .basicAuthUserInfo()
            .map(
                info ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)))
            .orElse(null);
  }

  @Override
  public int register(String subject, Schema schema) {
    return registered.computeIfAbsent(
        new SubjectSchema(subject, schema),
        key -> {
          String path = "/subjects/" + encode(subject) + "/versions";
          JsonNode answer;
          try {
            answer = send("POST", path, schemaBody(schema));
          } catch (SchemaRegistryException e) {
            if (e.status() != 409) {
              throw e;
            }
            // 409 is an incompatible schema, or (Apicurio) the loser of two clients registering a
            // new subject at the same instant. In the second case the schema is there now.
            answer = lookUp(subject, schema).orElseThrow(() -> e);
          }
          int id = answer.path("id").asInt(-1);
          if (id < 0) {
            throw invalidAnswer("POST " + path, answer);
          }
          schemasById.putIfAbsent(id, schema);
          return id;
        });
  }

  /** The subject's version with exactly this schema, if registered. */
  private java.util.Optional<JsonNode> lookUp(String subject, Schema schema) {
    try {
      return java.util.Optional.of(
          send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return java.util.Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return registered.computeIfAbsent(
        new SubjectSchema(subject, schema),
        key -> {
          JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
          int id = answer.path("id").asInt(-1);
          if (id < 0) {
            throw invalidAnswer("POST /subjects/" + subject, answer);
          }
          schemasById.putIfAbsent(id, schema);
          return id;
        });
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(
        id,
        key -> {
          String path = "/schemas/ids/" + id;
          return parse(path, send("GET", path, null));
        });
  }

  @Override
  public RegisteredSchema latest(String subject) {
    String path = "/subjects/" + encode(subject) + "/versions/latest";
    JsonNode answer = send("GET", path, null);
    Schema schema = parse(path, answer);
    return new RegisteredSchema(
        subject, answer.path("version").asInt(), answer.path("id").asInt(), schema);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    String path = "/compatibility/subjects/" + encode(subject) + "/versions/latest";
    JsonNode answer = send("POST", path, schemaBody(schema));
    if (!answer.has("is_compatible")) {
      throw invalidAnswer("POST " + path, answer);
    }
    return answer.get("is_compatible").asBoolean();
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(config.url() + path))
            .timeout(config.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    String what = method + " " + config.url() + path;
    Duration backoff = config.retryBackoff();
    SchemaRegistryException last = null;
    for (int attempt = 0; attempt <= config.retries(); attempt++) {
      if (attempt > 0) {
        sleep(backoff, what);
        backoff = backoff.multipliedBy(2);
      }
      try {
        HttpResponse<String> response = sendWithinTimeout(request.build());
        if (response.statusCode() / 100 == 2) {
          return json(what, response);
        }
        last = refused(what, response);
        if (!last.retriable()) {
          throw last;
        }
      } catch (IOException e) {
        last =
            new SchemaRegistryException(
                "schema registry did not answer " + what + ": " + describe(e), 0, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted during " + what, 0, 0, e);
      }
    }
    throw new SchemaRegistryException(
        last.getMessage() + " (gave up after " + (config.retries() + 1) + " attempts)",
        last.status(),
        last.errorCode(),
        last.getCause());
  }

  /**
   * The whole answer within the request timeout. Java's HTTP client times a request only until its
   * answer's headers (before JDK 26): a registry that stopped in the middle of a body would hold
   * the caller, a stream thread or a gateway's request, for ever. (The services' own HTTP calls go
   * through service-runtime's BoundedHttp; this module is below it.)
   */
  private HttpResponse<String> sendWithinTimeout(HttpRequest request)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      return answer.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException("no whole answer within " + config.requestTimeout());
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

  /** A success's body; one that is not JSON is no registry's (a wrong URL, a proxy's page). */
  private static JsonNode json(String what, HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw SchemaRegistryException.notARegistry(
          "schema registry answered "
              + what
              + " with HTTP "
              + response.statusCode()
              + " and a body that is not JSON (is VP_SCHEMA_REGISTRY_URL the registry's API, such"
              + " as http://host:8081/apis/ccompat/v7?)",
          response.statusCode(),
          e);
    }
  }

  private static SchemaRegistryException refused(String what, HttpResponse<String> response) {
    int errorCode = 0;
    String message = response.body();
    try {
      JsonNode error = JSON.readTree(response.body());
      errorCode = error.path("error_code").asInt(0);
      message = error.path("message").asText(message);
    } catch (IOException e) {
      // not JSON: keep the body as the message
    }
    return new SchemaRegistryException(
        "schema registry refused "
            + what
            + ": HTTP "
            + response.statusCode()
            + (errorCode == 0 ? "" : " error " + errorCode)
            + ": "
            + message,
        response.statusCode(),
        errorCode,
        null);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getCause() != null ? String.valueOf(e.getCause()) : "";
    }
    return e.getClass().getSimpleName() + (message.isBlank() ? "" : " " + message);
  }

  private Schema parse(String path, JsonNode answer) {
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw invalidAnswer("GET " + path, answer);
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "schema registry at " + config.url() + " returned an unreadable schema for " + path,
          200,
          0,
          e);
    }
  }

  /** A success whose JSON is not a registry's answer: what answers at the URL is no registry. */
  private SchemaRegistryException invalidAnswer(String what, JsonNode answer) {
    return SchemaRegistryException.notARegistry(
        "schema registry at " + config.url() + " answered " + what + " with " + answer, 200, null);
  }

  private static String schemaBody(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleep(Duration backoff, String what) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted during " + what, 0, 0, e);
    }
  }
}
