package io.visitorprofiler.profiler.http;

import com.fasterxml.jackson.core.type.TypeReference;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/visitors/{id}} (answered by whichever instance owns the visitor: this one, or
 * forwarded to it) and {@code GET /v1/sites/{siteId}/visitors/online} (this instance's online
 * visitors merged with every other instance's), for the agent console and for rule authors.
 */
public final class VisitorQueryService implements HttpRoutes {
  /** Marks a request forwarded by another instance: answer from local state only. */
  static final String FORWARDED = "X-VP-Forwarded";

  private final VisitorQueries queries;
  private final SegmentRuleBook book;
  private final ProfileSettings settings;
  private final String adminToken;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public VisitorQueryService(
      VisitorQueries queries,
      SegmentRuleBook book,
      ProfileSettings settings,
      String adminToken,
      Clock clock) {
    this.queries = queries;
    this.book = book;
    this.settings = settings;
    this.adminToken = adminToken;
    this.clock = clock;
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
        ctx.header(FORWARDED) == null ? queries.remoteOwner(id) : Optional.empty();
    if (owner.isPresent()) {
      HttpResponse<String> answer = forward(owner.get(), "/v1/visitors/" + encode(id));
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
    int limit =
        Math.max(
            1, Math.min(1000, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(200)));
    List<VisitorJson> visitors = new ArrayList<>();
    var rules = book.snapshot();
    queries
        .localOnline(site, limit)
        .forEach(p -> visitors.add(VisitorJson.of(p, rules, settings, clock.instant())));
    if (ctx.header(FORWARDED) == null) {
      for (String instance : queries.otherInstances()) {
        HttpResponse<String> answer =
            forward(instance, "/v1/sites/" + encode(site) + "/visitors/online?limit=" + limit);
        if (answer.statusCode() == 200) {
          try {
            visitors.addAll(
                ServiceHttpServer.JSON.readValue(
                    answer.body(), new TypeReference<List<VisitorJson>>() {}));
          } catch (IOException e) {
            throw new ServiceUnavailableResponse("instance " + instance + " answered unreadably");
          }
        }
      }
    }
    visitors.sort(Comparator.comparing(VisitorJson::lastSeen).reversed());
    ctx.json(visitors.subList(0, Math.min(limit, visitors.size())));
  }

  private HttpResponse<String> forward(String instance, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + instance + path))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + adminToken)
            .header(FORWARDED, "true")
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServiceUnavailableResponse("instance " + instance + " did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
