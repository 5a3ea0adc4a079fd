package io.visitorprofiler.profiler.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.QueryParams;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.http.UnansweredInstances;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /v1/visitors/{id}} (answered by whichever instance owns the visitor: this one, or
 * forwarded to it) and {@code GET /v1/sites/{siteId}/visitors/online} (this instance's online
 * visitors merged with every other instance's), for the agent console and for rule authors.
 */
public final class VisitorQueryService implements HttpRoutes {
  /** How many online visitors a site's list holds unless asked for fewer or more. */
  private static final int DEFAULT_LIMIT = 200;

  /** The most online visitors a site's list holds. */
  private static final int MAX_LIMIT = 1000;

  private static final ObjectReader PEER_ONLINE =
      ServiceHttpServer.JSON.readerFor(new TypeReference<List<VisitorJson>>() {});

  private final VisitorQueries queries;
  private final SegmentRuleBook book;
  private final ProfileSettings settings;
  private final String adminToken;
  private final Clock clock;
  private final PeerInstances peers;
  private final Duration peerTimeout;

  /**
   * How long the online list waits for the other instances, all asked at once: less than the
   * notifier gives the whole list (3 s), so that one instance that does not answer is named in the
   * list's header instead of costing the console every instance's visitors.
   */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

  public VisitorQueryService(
      VisitorQueries queries,
      SegmentRuleBook book,
      ProfileSettings settings,
      String adminToken,
      Clock clock) {
    this(queries, book, settings, adminToken, clock, PEER_TIMEOUT);
  }

  VisitorQueryService(
      VisitorQueries queries,
      SegmentRuleBook book,
      ProfileSettings settings,
      String adminToken,
      Clock clock,
      Duration peerTimeout) {
    this.queries = queries;
    this.book = book;
    this.settings = settings;
    this.adminToken = adminToken;
    this.clock = clock;
    this.peers = new PeerInstances(adminToken);
    this.peerTimeout = peerTimeout;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/v1/visitors/{id}", this::visitor);
    routes.get("/v1/sites/{siteId}/visitors/online", this::online);
  }

  void visitor(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    String id = ctx.pathParam("id");
    Optional<String> owner =
        PeerInstances.forwarded(ctx) ? Optional.empty() : queries.remoteOwner(id);
    if (owner.isPresent()) {
      HttpResponse<String> answer = peers.get(owner.get(), "/v1/visitors/" + encode(id));
      ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
      return;
    }
    var profile =
        queries
            .localProfile(id)
            .filter(p -> p.getProfilingAllowed())
            .orElseThrow(() -> new NotFoundResponse("no visitor " + id));
    ctx.json(VisitorJson.of(profile, book.snapshot(), settings, clock.instant()));
  }

  void online(Context ctx) {
    BearerTokens.require(ctx, adminToken);
    String site = ctx.pathParam("siteId");
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    // Every other instance is asked at once, before this one reads its own, and all of them get one
    // deadline: the list waits for the slowest of them up to the timeout, not for their sum. The
    // deadline is the list's own: Java's HTTP client times a request only until its answer's
    // headers (before JDK 26), and a body that stops coming would hold the list for ever.
    long deadline = System.nanoTime() + peerTimeout.toNanos();
    Map<String, CompletableFuture<HttpResponse<String>>> asked = new LinkedHashMap<>();
    if (!PeerInstances.forwarded(ctx)) {
      String path = "/v1/sites/" + encode(site) + "/visitors/online?limit=" + limit;
      for (String instance : queries.otherInstances()) {
        asked.put(instance, peers.getAsync(instance, path, peerTimeout));
      }
    }
    List<VisitorJson> visitors = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    try {
      var rules = book.snapshot();
      queries
          .localOnline(site, limit)
          .forEach(p -> visitors.add(VisitorJson.of(p, rules, settings, clock.instant())));
      for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> peer : asked.entrySet()) {
        String instance = peer.getKey();
        try {
          long left = Math.max(0, deadline - System.nanoTime());
          HttpResponse<String> answer = peer.getValue().get(left, TimeUnit.NANOSECONDS);
          visitors.addAll(PeerInstances.read(instance, answer, PEER_ONLINE));
        } catch (TimeoutException | ExecutionException | ServiceUnavailableResponse e) {
          unanswered.add(instance); // refused, too slow, an error or an unreadable answer
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    } finally {
      asked.values().forEach(answer -> answer.cancel(true)); // those not answered are abandoned
    }
    if (!unanswered.isEmpty()) {
      // The list is still worth showing; the header says whose visitors it leaves out.
      ctx.header(UnansweredInstances.HEADER, String.join(",", unanswered));
    }
    visitors.sort(Comparator.comparing(VisitorJson::lastSeen).reversed());
    ctx.json(visitors.subList(0, Math.min(limit, visitors.size())));
  }

  private static String encode(String value) {
    return PeerInstances.encode(value);
  }
}
