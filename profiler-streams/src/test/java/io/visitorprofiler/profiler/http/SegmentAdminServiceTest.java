package io.visitorprofiler.profiler.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    server = server(new InMemoryVisitors(List.of(), List.of()));
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

  @Test
  void aBodyThatIsNoObjectIsRefused() throws Exception {
    for (String body : List.of("null", "", "[1]", "{")) {
      HttpResponse<String> refused = put("repeat", body, "");
      assertThat(refused.statusCode()).as(body).isEqualTo(400);
      assertThat(json(refused).get("problems").get(0).get("where").asText())
          .as(body)
          .startsWith("body");
    }
    assertThat(definitions.published).isEmpty();
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNotCoerced() throws Exception {
    String valid = definition("visitor.visits >= 2");
    for (String body :
        List.of(
            valid.replace("\"priority\": 30", "\"priority\": 5.7"),
            valid.replace("\"priority\": 30", "\"priority\": \"30\""),
            valid.replace("\"name\": \"Repeat visitors\"", "\"name\": 42"),
            valid.replace("\"priority\": 30", "\"priority\": 30, \"enabled\": 0"),
            valid.replace("\"priority\": 30", "\"priority\": 30, \"minDwellSeconds\": \"60\""))) {
      assertThat(body).isNotEqualTo(valid);
      HttpResponse<String> refused = put("repeat", body, "?dryRun=true");
      assertThat(refused.statusCode()).as(body + refused.body()).isEqualTo(400);
    }
    assertThat(put("repeat", valid, "?dryRun=true").statusCode()).isEqualTo(201);
    assertThat(definitions.published).isEmpty();
  }

  @Test
  void aNullOrBlankEntryInAListIsNamedNotAServerErrorOrSilentlyKept() throws Exception {
    String body =
        """
        {"siteId": "demo", "name": "Repeat visitors", "label": "Repeat", "color": "#1565c0",
         "priority": 30, "condition": "visitor.visits >= 2",
         "notify": {"agents": [null, " "], "departments": [null]},
         "invitation": {"message": "Hi", "variants": [null]}}
        """;
    for (String query : List.of("?dryRun=true", "")) {
      HttpResponse<String> refused = put("repeat", body, query);
      assertThat(refused.statusCode()).as(query + refused.body()).isEqualTo(400);
      List<String> wheres = new ArrayList<>();
      json(refused).get("problems").forEach(p -> wheres.add(p.get("where").asText()));
      assertThat(wheres)
          .containsExactly(
              "notify.agents[0]",
              "notify.agents[1]",
              "notify.departments[0]",
              "invitation.variants[0]");
    }
    assertThat(definitions.published).isEmpty();
  }

  @Test
  void twoEditsSentAtOnceBecomeTwoVersions() throws Exception {
    // The first edit to read the catalogue waits for another to read it too (a second, where edits
    // are taken one at a time): without that, both read no definition and both became version 1.
    definitions.readersToWaitFor = new CountDownLatch(2);
    CompletableFuture<HttpResponse<String>> first =
        putAsync("repeat", definition("visitor.visits >= 2"), Map.of());
    CompletableFuture<HttpResponse<String>> second =
        putAsync("repeat", definition("visitor.visits >= 3"), Map.of());

    List<Long> versions =
        List.of(
            json(first.get()).get("version").asLong(), json(second.get()).get("version").asLong());
    assertThat(versions).containsExactlyInAnyOrder(1L, 2L);
    assertThat(definitions.get("repeat").orElseThrow().getVersion()).isEqualTo(2);
  }

  @Test
  void anEditForAVersionThatIsNoLongerCurrentIsRefused() throws Exception {
    put("repeat", definition("visitor.visits >= 2"), "");
    HttpResponse<String> read = get("repeat");
    String etag = read.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).isEqualTo("\"1\"");

    HttpResponse<String> mine =
        putAsync("repeat", definition("visitor.visits >= 3"), Map.of("If-Match", etag)).get();
    HttpResponse<String> theirs =
        putAsync("repeat", definition("visitor.visits >= 4"), Map.of("If-Match", etag)).get();

    assertThat(mine.statusCode()).isEqualTo(200);
    assertThat(mine.headers().firstValue("ETag")).hasValue("\"2\"");
    assertThat(theirs.statusCode()).isEqualTo(412);
    assertThat(json(theirs).get("error").asText()).contains("is at version 2, not \"1\"");
    assertThat(definitions.get("repeat").orElseThrow().getCondition())
        .isEqualTo("visitor.visits >= 3");
    HttpResponse<String> create =
        putAsync("repeat", definition("visitor.visits >= 5"), Map.of("If-None-Match", "*")).get();
    assertThat(create.statusCode()).isEqualTo(412);
    HttpResponse<String> stale = delete("repeat", Map.of("If-Match", etag));
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(delete("repeat", Map.of("If-Match", "\"2\"")).statusCode()).isEqualTo(204);
    assertThat(definitions.get("repeat")).isEmpty();
  }

  @Test
  void aPreviewCountsTheOnlineVisitorsOfEveryInstanceThatAnswers() throws Exception {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (ServiceHttpServer other =
            server(
                new InMemoryVisitors(
                    List.of(ProfileUpdater.newProfile("v-b1", "demo", now)), List.of()));
        ServiceHttpServer first =
            server(
                new InMemoryVisitors(
                    List.of(
                        ProfileUpdater.newProfile("v-a1", "demo", now),
                        ProfileUpdater.newProfile("v-a2", "demo", now),
                        ProfileUpdater.newProfile("v-x1", "elsewhere", now)),
                    List.of("127.0.0.1:" + other.port(), "127.0.0.1:" + closedPort)))) {
      HttpResponse<String> preview = preview(first, "10", false);

      assertThat(preview.statusCode()).isEqualTo(200);
      JsonNode result = json(preview);
      assertThat(result.get("evaluated").asInt()).isEqualTo(3);
      assertThat(result.get("matching").asInt()).isEqualTo(3);
      assertThat(result.get("sample").toString()).contains("v-a1", "v-a2", "v-b1");
      // One restarting: the others' visitors are still counted, and the answer says who is missing.
      assertThat(result.get("unanswered").toString())
          .isEqualTo("[\"127.0.0.1:" + closedPort + "\"]");
      // A forwarded answer has no such field: an instance still on a version without it reads it.
      HttpResponse<String> forwarded = preview(other, null, true);
      assertThat(json(forwarded).has("unanswered")).isFalse();
      assertThat(json(forwarded).get("evaluated").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aPreviewSampleOutsideItsRangeIsRefusedNotClamped() throws Exception {
    for (String sample : List.of("-1", "101")) {
      HttpResponse<String> preview = preview(server, sample, false);

      assertThat(preview.statusCode()).as(sample).isEqualTo(400);
      assertThat(json(preview).get("problems").toString())
          .as(sample)
          .contains("\"where\":\"sample\"", "from 0 to 100");
    }
    for (String sample : List.of("0", "100")) {
      assertThat(preview(server, sample, false).statusCode()).as(sample).isEqualTo(200);
    }
  }

  /** Previews {@code visitor.visits >= 0} on site demo, with a sample size unless null. */
  private HttpResponse<String> preview(ServiceHttpServer instance, String sample, boolean forwarded)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + instance.port() + "/v1/segments/preview"))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"siteId\": \"demo\", \"condition\": \"visitor.visits >= 0\""
                        + (sample == null ? "" : ", \"sample\": " + sample)
                        + "}"));
    if (forwarded) {
      request.header(PeerInstances.FORWARDED, "true");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anEditIsMadeByTheInstanceThatOwnsTheSegmentsIdSoIfMatchHoldsAcrossInstances()
      throws Exception {
    InMemoryDefinitions writersCatalogue = new InMemoryDefinitions(definitions.byId);
    try (ServiceHttpServer writer =
            server(new InMemoryVisitors(List.of(), List.of()), writersCatalogue);
        ServiceHttpServer other = forwardingEditsTo(writer.port())) {
      HttpResponse<String> created =
          send(other, "PUT", "repeat", definition("visitor.visits >= 2"), Map.of());
      Map<String, String> overVersion1 = Map.of("If-Match", "\"1\"");
      HttpResponse<String> edited =
          send(other, "PUT", "repeat", definition("visitor.visits >= 3"), overVersion1);
      // A second editor who read version 1 too, through either instance, is told.
      HttpResponse<String> stale =
          send(other, "PUT", "repeat", definition("visitor.visits >= 4"), overVersion1);
      HttpResponse<String> dryRun =
          send(other, "PUT", "repeat?dryRun=true", definition("visitor.visits >= 5"), Map.of());
      HttpResponse<String> deleted =
          send(other, "DELETE", "repeat", "", Map.of("If-Match", "\"2\""));

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
      assertThat(json(created).get("version").asLong()).isEqualTo(1);
      assertThat(edited.statusCode()).isEqualTo(200);
      assertThat(edited.headers().firstValue("ETag")).contains("\"2\"");
      assertThat(stale.statusCode()).isEqualTo(412);
      assertThat(json(stale).get("error").asText()).contains("is at version 2");
      assertThat(dryRun.statusCode()).isEqualTo(200);
      assertThat(deleted.statusCode()).isEqualTo(204);
      assertThat(writersCatalogue.published).containsExactly("repeat", "repeat", "repeat");
      assertThat(definitions.published).isEmpty();
    }
  }

  @Test
  void anEditAnotherInstanceMadeIsA202UntilThisInstanceHasLoadedIt() throws Exception {
    try (ServiceHttpServer writer =
            server(new InMemoryVisitors(List.of(), List.of()), new InMemoryDefinitions());
        ServiceHttpServer other = forwardingEditsTo(writer.port())) {
      HttpResponse<String> created =
          send(other, "PUT", "repeat", definition("visitor.visits >= 2"), Map.of());

      // Saved by the writer, never loaded into this instance's (separate) catalogue.
      assertThat(created.statusCode()).isEqualTo(202);
      assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
    }
  }

  @Test
  void anEditIsMadeWhereItArrivesWhileTheOwnerIsNotKnown() throws Exception {
    VisitorQueries local = new InMemoryVisitors(List.of(), List.of());
    VisitorQueries rebalancing =
        new VisitorQueries() {
          @Override
          public Optional<VisitorProfile> localProfile(String visitorId) {
            return local.localProfile(visitorId);
          }

          @Override
          public Optional<String> remoteOwner(String visitorId) {
            throw new ServiceUnavailableResponse("visitor state is being rebalanced; try again");
          }

          @Override
          public List<VisitorProfile> localOnline(String siteId, int limit) {
            return local.localOnline(siteId, limit);
          }

          @Override
          public List<String> otherInstances() {
            return local.otherInstances();
          }
        };
    try (ServiceHttpServer instance = server(rebalancing)) {
      HttpResponse<String> created =
          send(instance, "PUT", "repeat", definition("visitor.visits >= 2"), Map.of());

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(definitions.published).containsExactly("repeat");
    }
  }

  @Test
  void anEditWhoseWriterDoesNotAnswerIsA503ThatSaysTheOutcomeIsUnknown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (ServiceHttpServer other = forwardingEditsTo(closedPort)) {
      HttpResponse<String> answer =
          send(other, "PUT", "repeat", definition("visitor.visits >= 2"), Map.of());

      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(json(answer).get("error").asText()).contains("GET shows which");
      assertThat(definitions.published).isEmpty();
    }
  }

  private HttpResponse<String> put(String id, String body, String query) throws Exception {
    return send(server, "PUT", id + query, body, Map.of());
  }

  private HttpResponse<String> delete(String id, Map<String, String> headers) throws Exception {
    return send(server, "DELETE", id, "", headers);
  }

  private HttpResponse<String> send(
      ServiceHttpServer instance,
      String method,
      String path,
      String body,
      Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + instance.port() + "/v1/segments/" + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An instance whose segments' edits are all made by the instance on {@code writerPort}. */
  private ServiceHttpServer forwardingEditsTo(int writerPort) {
    return server(
        new InMemoryVisitors(List.of(), List.of(), Optional.of("127.0.0.1:" + writerPort)));
  }

  private ServiceHttpServer server(VisitorQueries visitors) {
    return server(visitors, definitions);
  }

  private ServiceHttpServer server(VisitorQueries visitors, SegmentDefinitions catalogue) {
    return TestServers.serving(
        new SegmentAdminService(
            catalogue,
            new SegmentRuleCompiler(),
            visitors,
            ProfileSettings.DEFAULTS,
            TOKEN,
            Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC)));
  }

  private CompletableFuture<HttpResponse<String>> putAsync(
      String id, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/segments/" + id))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String id) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/segments/" + id))
            .header("Authorization", "Bearer " + TOKEN)
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
    private final Map<String, SegmentDefinition> byId;
    private final List<String> published = new ArrayList<>();

    InMemoryDefinitions() {
      this(new ConcurrentHashMap<>());
    }

    /** Another instance's view of the same catalogue: what one publishes, both read. */
    InMemoryDefinitions(Map<String, SegmentDefinition> byId) {
      this.byId = byId;
    }

    /** When set, a read waits (a second at most) until this many reads have been made. */
    private volatile CountDownLatch readersToWaitFor;

    @Override
    public Optional<SegmentDefinition> get(String segmentId) {
      CountDownLatch readers = readersToWaitFor;
      if (readers != null) {
        readers.countDown();
        try {
          readers.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
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
}
