package io.visitorprofiler.profiler.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API's PUT over an in-memory catalogue (the Kafka-backed one is covered by ProfilerIT):
 * idempotent for an unchanged definition, and a dry run that validates without publishing.
 */
class SegmentAdminServiceTest {
  private static final String TOKEN = "test-admin-token";

  private final InMemoryDefinitions definitions = new InMemoryDefinitions();
  private final HttpClient client = HttpClient.newHttpClient();
  private ServiceHttpServer server;

  @BeforeEach
  void start() {
    server =
        ServiceHttpServer.start(
            "profiler-streams-test",
            new HttpSettings("127.0.0.1", 0),
            new ServiceHealth(),
            ServiceMetrics.create("profiler-streams-test"),
            List.of(
                new SegmentAdminService(
                    definitions,
                    new SegmentRuleCompiler(),
                    new NoVisitors(),
                    ProfileSettings.DEFAULTS,
                    TOKEN,
                    Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC))));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anUnchangedDefinitionKeepsItsVersionAndIsNotPublishedAgain() throws Exception {
    String body = definition("visitor.visits >= 2");

    HttpResponse<String> created = put("repeat", body, "");
    HttpResponse<String> again = put("repeat", body, "");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("version").asLong()).isEqualTo(1);
    assertThat(definitions.published).containsExactly("repeat");
  }

  @Test
  void aChangedDefinitionIsANewVersion() throws Exception {
    put("repeat", definition("visitor.visits >= 2"), "");

    HttpResponse<String> changed = put("repeat", definition("visitor.visits >= 3"), "");

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(json(changed).get("version").asLong()).isEqualTo(2);
    assertThat(definitions.get("repeat").orElseThrow().getCondition())
        .isEqualTo("visitor.visits >= 3");
  }

  @Test
  void aDryRunValidatesAndCompilesWithoutPublishing() throws Exception {
    HttpResponse<String> valid = put("repeat", definition("visitor.visits >= 2"), "?dryRun=true");
    HttpResponse<String> invalid = put("broken", definition("visitor.vists >= 2"), "?dryRun=true");

    assertThat(valid.statusCode()).isEqualTo(201);
    assertThat(json(valid).get("version").asLong()).isEqualTo(1);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(json(invalid).get("problems").get(0).get("where").asText())
        .startsWith("condition:1:");
    assertThat(definitions.published).isEmpty();
  }

  private HttpResponse<String> put(String id, String body, String query) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/segments/" + id + query))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return ServiceHttpServer.JSON.readTree(response.body());
  }

  private static String definition(String condition) {
    return """
        {"siteId": "demo", "name": "Repeat visitors", "label": "Repeat", "color": "#1565c0",
         "priority": 30, "condition": "%s",
         "notify": {"agents": ["agent-1"], "popup": true}}
        """
        .formatted(condition);
  }

  /**
   * The catalogue port over a map: publishing takes effect at once, as after a topic round trip.
   */
  private static final class InMemoryDefinitions implements SegmentDefinitions {
    private final Map<String, SegmentDefinition> byId = new ConcurrentHashMap<>();
    private final List<String> published = new ArrayList<>();

    @Override
    public Optional<SegmentDefinition> get(String segmentId) {
      return Optional.ofNullable(byId.get(segmentId));
    }

    @Override
    public List<SegmentDefinition> all() {
      return List.copyOf(byId.values());
    }

    @Override
    public synchronized void publish(String segmentId, SegmentDefinition definition) {
      published.add(segmentId);
      if (definition == null) {
        byId.remove(segmentId);
      } else {
        byId.put(segmentId, definition);
      }
    }
  }

  private static final class NoVisitors implements VisitorQueries {
    @Override
    public Optional<VisitorProfile> localProfile(String visitorId) {
      return Optional.empty();
    }

    @Override
    public Optional<String> remoteOwner(String visitorId) {
      return Optional.empty();
    }

    @Override
    public List<VisitorProfile> localOnline(String siteId, int limit) {
      return List.of();
    }

    @Override
    public List<String> otherInstances() {
      return List.of();
    }
  }
}
