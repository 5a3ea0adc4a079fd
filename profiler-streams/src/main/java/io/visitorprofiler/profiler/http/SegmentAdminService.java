package io.visitorprofiler.profiler.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.PreconditionFailedResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileView;
import io.visitorprofiler.profiler.rules.RuleCompileException;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.runtime.http.ApiError;
import io.visitorprofiler.runtime.http.ApiError.Problem;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.serde.TrustedSchemaClasses;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code /v1/segments}: create, replace, read, list and delete segment definitions (admin token),
 * and preview a draft condition against the online visitors. A condition that does not compile is
 * refused with 400 and each error's line and column. PUT is idempotent (an unchanged definition
 * keeps its version) and {@code ?dryRun=true} validates and compiles without publishing.
 */
public final class SegmentAdminService implements HttpRoutes {
  /** The most visitor ids a preview returns. */
  private static final int MAX_SAMPLE = 100;

  private static final Duration LOAD_WAIT = Duration.ofSeconds(5);

  /**
   * How long an instance waits for the one that makes a segment's edits: that one may first wait
   * for its lock, behind other edits that each wait up to {@link #LOAD_WAIT}.
   */
  private static final Duration WRITE_FORWARD_TIMEOUT = Duration.ofSeconds(30);

  /** The request headers a forwarded edit keeps. */
  private static final List<String> WRITE_HEADERS =
      List.of("Content-Type", "If-Match", "If-None-Match");

  /** Another instance's preview, read whatever fields a later version adds. */
  private static final ObjectReader PEER_PREVIEW =
      ServiceHttpServer.JSON
          .readerFor(PreviewResult.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Requests read as written: Jackson's default coercions would take {@code "priority": 5.7} as 5,
   * {@code "30"} as 30, {@code "enabled": 0} as false and {@code "name": 42} as "42".
   */
  private static final ObjectMapper STRICT = strict();

  private static ObjectMapper strict() {
    ObjectMapper mapper = ServiceHttpServer.JSON.copy();
    mapper
        .coercionConfigDefaults()
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  static {
    TrustedSchemaClasses.install(); // sameContent copies records before any serde may be loaded
  }

  private final SegmentDefinitions definitions;
  private final SegmentRuleCompiler compiler;
  private final VisitorQueries visitors;
  private final ProfileSettings profileSettings;
  private final String adminToken;
  private final Clock clock;
  private final PeerInstances peers;

  /**
   * PUT and DELETE one at a time in this instance: each reads the version the one before it
   * published once that has loaded (within {@link #LOAD_WAIT}), so two edits sent here at once do
   * not both become the same next version. The edits of one segment are made by one instance (see
   * {@link #forwardedToWriter}), so {@code If-Match} holds across instances too.
   */
  private final ReentrantLock writes = new ReentrantLock();

  public SegmentAdminService(
      SegmentDefinitions definitions,
      SegmentRuleCompiler compiler,
      VisitorQueries visitors,
      ProfileSettings profileSettings,
      String adminToken,
      Clock clock) {
    this.definitions = definitions;
    this.compiler = compiler;
    this.visitors = visitors;
    this.profileSettings = profileSettings;
    this.adminToken = adminToken;
    this.clock = clock;
    this.peers = new PeerInstances(adminToken);
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/v1/segments", this::list);
    routes.post("/v1/segments/preview", this::preview);
    routes.get("/v1/segments/{id}", this::get);
    routes.put("/v1/segments/{id}", this::put);
    routes.delete("/v1/segments/{id}", this::delete);
  }

  void list(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    String site = ctx.queryParam("siteId");
    ctx.json(
        definitions.all().stream()
            .filter(d -> site == null || site.equals(d.getSiteId()))
            .sorted(Comparator.comparing(SegmentDefinition::getSegmentId))
            .map(SegmentDefinitionJson::from)
            .toList());
  }

  void get(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    String id = ctx.pathParam("id");
    SegmentDefinition definition = definitions.get(id).orElseThrow(() -> notFound(id));
    ctx.header("ETag", etag(definition.getVersion()));
    ctx.json(SegmentDefinitionJson.from(definition));
  }

  void put(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    if (forwardedToWriter(ctx)) {
      return;
    }
    writes.lock();
    try {
      replace(ctx);
    } finally {
      writes.unlock();
    }
  }

  private void replace(Context ctx) {
    String id = ctx.pathParam("id");
    if (!SegmentDefinitionJson.SEGMENT_ID.matcher(id).matches()) {
      refuse(
          ctx,
          List.of(
              new Problem(
                  "id",
                  "must be 1-64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit")));
      return;
    }
    Optional<SegmentDefinitionJson> body = parse(ctx, SegmentDefinitionJson.class);
    if (body.isEmpty()) {
      return;
    }
    List<Problem> problems = new ArrayList<>(body.get().problems());
    Optional<SegmentDefinition> current = definitions.get(id);
    requireMatch(ctx, id, current);
    SegmentDefinition next =
        problems.isEmpty()
            ? body.get()
                .toAvro(
                    id, current.map(d -> d.getVersion() + 1).orElse(1L), clock.instant(), "admin")
            : null;
    if (next != null) {
      try {
        compiler.compile(next);
      } catch (RuleCompileException e) {
        e.problems()
            .forEach(
                p ->
                    problems.add(
                        new Problem("condition:" + p.line() + ":" + p.column(), p.message())));
      }
    }
    if (!problems.isEmpty()) {
      refuse(ctx, problems);
      return;
    }
    if (current.isPresent() && sameContent(current.get(), next)) {
      // PUT is idempotent: the same definition again is no new version (`vp segments apply`).
      ctx.header("ETag", etag(current.get().getVersion()));
      ctx.status(200).json(SegmentDefinitionJson.from(current.get()));
      return;
    }
    if ("true".equals(ctx.queryParam("dryRun"))) {
      // Validated and compiled, not published: `vp segments apply` checks a whole file first.
      ctx.status(current.isEmpty() ? 201 : 200).json(SegmentDefinitionJson.from(next));
      return;
    }
    definitions.publish(id, next);
    boolean loaded = awaitLoaded(id, Optional.of(next.getVersion()));
    ctx.header("ETag", etag(next.getVersion()));
    ctx.status(loaded ? (current.isEmpty() ? 201 : 200) : 202)
        .json(SegmentDefinitionJson.from(next));
  }

  /**
   * Sends an edit to the instance that makes the edits of its segment, and relays the answer: the
   * instance that would own a visitor of the segment's id, so that edits of one segment, from any
   * instance, are checked against one copy of the catalogue and taken one at a time. Two edits of
   * the same version sent to two instances would otherwise both pass {@code If-Match}. While the
   * owner is not known (the instances rebalancing) an edit is made where it arrives.
   */
  private boolean forwardedToWriter(Context ctx) {
    String id = ctx.pathParam("id");
    if (PeerInstances.forwarded(ctx) || !SegmentDefinitionJson.SEGMENT_ID.matcher(id).matches()) {
      return false;
    }
    Optional<String> writer;
    try {
      writer = visitors.remoteOwner(id);
    } catch (RuntimeException ownerUnknown) {
      // Rebalancing, or the streams not running: made here (checked against this instance's copy
      // of the catalogue) rather than refused.
      return false;
    }
    if (writer.isEmpty()) {
      return false;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : WRITE_HEADERS) {
      String value = ctx.header(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    String query = ctx.queryString();
    HttpResponse<String> answer =
        peers.write(
            writer.get(),
            ctx.method().name(),
            "/v1/segments/" + id + (query == null ? "" : "?" + query),
            ctx.body(),
            headers,
            WRITE_FORWARD_TIMEOUT);
    Optional<String> etag = answer.headers().firstValue("ETag");
    etag.ifPresent(value -> ctx.header("ETag", value));
    answer.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
    ctx.status(loadedHere(ctx, id, answer.statusCode(), etag)).result(answer.body());
    return true;
  }

  /**
   * The status to relay for an edit another instance made: its own, once this instance has loaded
   * the edit too, so that what an editor reads next from here includes it; 202 (saved, not loaded
   * within {@link #LOAD_WAIT}) when this instance has not.
   */
  private int loadedHere(Context ctx, String id, int status, Optional<String> etag) {
    if ("true".equals(ctx.queryParam("dryRun"))) {
      return status;
    }
    Optional<Optional<Long>> saved = Optional.empty();
    if (status == 204) {
      saved = Optional.of(Optional.empty());
    } else if ((status == 200 || status == 201) && etag.isPresent()) {
      try {
        saved = Optional.of(Optional.of(Long.parseLong(etag.get().replace("\"", ""))));
      } catch (NumberFormatException notOurs) {
        return status; // no version to wait for
      }
    }
    return saved.isEmpty() || awaitLoaded(id, saved.get()) ? status : 202;
  }

  /**
   * {@code If-Match: "<version>"} (as {@code GET} gives in its {@code ETag}): the write applies
   * only to that version, so that of two editors who read the same version the second is told (412)
   * instead of replacing the first's change unseen. {@code If-None-Match: *} creates only. Without
   * them, the last write wins.
   */
  private static void requireMatch(Context ctx, String id, Optional<SegmentDefinition> current) {
    String ifMatch = ctx.header("If-Match");
    if (ifMatch != null) {
      String wanted = ifMatch.trim();
      boolean holds =
          current.isPresent()
              && (wanted.equals("*") || wanted.equals(etag(current.get().getVersion())));
      if (!holds) {
        throw new PreconditionFailedResponse(
            "segment "
                + id
                + current.map(d -> " is at version " + d.getVersion()).orElse(" does not exist")
                + ", not "
                + wanted);
      }
    }
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.trim().equals("*") && current.isPresent()) {
      throw new PreconditionFailedResponse(
          "segment " + id + " exists, at version " + current.get().getVersion());
    }
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** Whether two versions of a definition say the same, whatever their version and timestamps. */
  static boolean sameContent(SegmentDefinition current, SegmentDefinition next) {
    SegmentDefinition comparable =
        SegmentDefinition.newBuilder(next)
            .setVersion(current.getVersion())
            .setUpdatedAt(current.getUpdatedAt())
            .setUpdatedBy(current.getUpdatedBy())
            .build();
    return comparable.equals(current);
  }

  void delete(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    if (forwardedToWriter(ctx)) {
      return;
    }
    writes.lock();
    try {
      String id = ctx.pathParam("id");
      Optional<SegmentDefinition> current = definitions.get(id);
      if (current.isEmpty()) {
        throw notFound(id);
      }
      requireMatch(ctx, id, current);
      definitions.publish(id, null);
      awaitLoaded(id, Optional.empty());
      ctx.status(204);
    } finally {
      writes.unlock();
    }
  }

  /** A draft condition evaluated against the online visitors of a site, on every instance. */
  record PreviewRequest(String siteId, String condition, Integer sample) {}

  /**
   * @param unanswered the other instances that did not answer: their online visitors are not in the
   *     counts (an instance restarting, say). Left out when empty, as in every forwarded answer,
   *     which an instance of an earlier version, that does not know the field, reads.
   */
  record PreviewResult(
      String siteId,
      int evaluated,
      int matching,
      int errors,
      List<String> sample,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unanswered) {}

  void preview(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    Optional<PreviewRequest> body = parse(ctx, PreviewRequest.class);
    if (body.isEmpty()) {
      return;
    }
    PreviewRequest request = body.get();
    if (request.siteId() == null || request.siteId().isBlank()) {
      refuse(ctx, List.of(new Problem("siteId", "is required")));
      return;
    }
    if (request.sample() != null && (request.sample() < 0 || request.sample() > MAX_SAMPLE)) {
      refuse(ctx, List.of(new Problem("sample", "must be from 0 to " + MAX_SAMPLE)));
      return;
    }
    SegmentRule rule;
    try {
      rule =
          compiler.compile(
              SegmentDefinition.newBuilder()
                  .setSegmentId("preview")
                  .setSiteId(request.siteId())
                  .setName("preview")
                  .setLabel("preview")
                  .setColor("#000000")
                  .setPriority(0)
                  .setCondition(request.condition() == null ? "" : request.condition())
                  .setVersion(0)
                  .setUpdatedAt(clock.instant())
                  .build());
    } catch (RuleCompileException e) {
      refuse(
          ctx,
          e.problems().stream()
              .map(p -> new Problem("condition:" + p.line() + ":" + p.column(), p.message()))
              .toList());
      return;
    }
    int sampleSize = request.sample() == null ? 10 : request.sample();
    long now = clock.millis();
    int evaluated = 0;
    int errors = 0;
    List<String> matching = new ArrayList<>();
    int matches = 0;
    for (VisitorProfile profile : visitors.localOnline(request.siteId(), 100_000)) {
      evaluated++;
      try {
        if (rule.matches(ProfileView.of(profile, now, profileSettings))) {
          matches++;
          if (matching.size() < sampleSize) {
            matching.add(profile.getVisitorId());
          }
        }
      } catch (Exception e) {
        errors++;
      }
    }
    List<String> unanswered = new ArrayList<>();
    if (!PeerInstances.forwarded(ctx)) {
      // The other instances' online visitors: each evaluates the draft on its own.
      for (String instance : visitors.otherInstances()) {
        PreviewResult theirs;
        try {
          theirs = previewOn(instance, ctx.body());
        } catch (ServiceUnavailableResponse e) {
          unanswered.add(instance);
          continue;
        }
        evaluated += theirs.evaluated();
        matches += theirs.matching();
        errors += theirs.errors();
        for (String id : theirs.sample()) {
          if (matching.size() < sampleSize) {
            matching.add(id);
          }
        }
      }
    }
    ctx.json(new PreviewResult(request.siteId(), evaluated, matches, errors, matching, unanswered));
  }

  private PreviewResult previewOn(String instance, String body) {
    return PeerInstances.read(
        instance, peers.post(instance, "/v1/segments/preview", body), PEER_PREVIEW);
  }

  private boolean awaitLoaded(String id, Optional<Long> version) {
    long deadline = System.nanoTime() + LOAD_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Long> seen = definitions.get(id).map(SegmentDefinition::getVersion);
      if (seen.equals(version)) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  static <T> Optional<T> parse(Context ctx, Class<T> type) {
    try {
      T value = STRICT.readValue(ctx.body(), type);
      if (value == null) { // the body `null`
        refuse(ctx, List.of(new Problem("body", "must be a JSON object")));
        return Optional.empty();
      }
      return Optional.of(value);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? "body"
              : "body:" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
      refuse(ctx, List.of(new Problem(where, e.getOriginalMessage())));
      return Optional.empty();
    }
  }

  static void refuse(Context ctx, List<Problem> problems) {
    ctx.status(400).json(new ApiError("invalid request", problems));
  }

  private static NotFoundResponse notFound(String id) {
    return new NotFoundResponse("no segment " + id);
  }
}
