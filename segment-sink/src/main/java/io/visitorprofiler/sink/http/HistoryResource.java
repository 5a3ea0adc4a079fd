package io.visitorprofiler.sink.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.visitorprofiler.runtime.http.ApiError;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.QueryParams;
import io.visitorprofiler.sink.query.HistoryQueries;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The query API (admin or agent token): segment history of a visitor, members of a segment now or
 * at a time, transcripts by segment at chat time and date range, per-segment and per-variant
 * performance, minute counts, and the proof of an erasure. Listings are paginated with {@code
 * limit} (1-500, default 100) and the {@code next} cursor of the previous page as {@code after}.
 */
public final class HistoryResource implements HttpRoutes {
  private final HistoryQueries queries;
  private final List<String> tokens;
  private final Clock clock;

  public HistoryResource(HistoryQueries queries, List<String> tokens, Clock clock) {
    this.queries = queries;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/v1/visitors/{visitorId}/segment-history", this::history);
    routes.get("/v1/visitors/{visitorId}/erasure", this::erasure);
    routes.get("/v1/segments/{segmentId}/members", this::members);
    routes.get("/v1/segments/{segmentId}/counts", this::counts);
    routes.get("/v1/segments-performance", this::performance);
    routes.get("/v1/transcripts", this::transcripts);
    // Only our own checks throw this here (an unreadable cursor): the client's mistake.
    routes.exception(
        IllegalArgumentException.class,
        (e, ctx) -> ctx.status(400).json(ApiError.of(e.getMessage())));
  }

  /**
   * The token must be one of ours; then no parameter may hold a NUL character, which the database
   * refuses in text.
   */
  private void authorize(Context ctx) {
    String presented =
        BearerTokens.from(ctx).orElseThrow(() -> new UnauthorizedResponse("missing Bearer token"));
    if (tokens.stream().noneMatch(t -> BearerTokens.matches(presented, t))) {
      throw new UnauthorizedResponse("invalid token");
    }
    ctx.pathParamMap().forEach(HistoryResource::refuseNul);
    ctx.queryParamMap().forEach((name, values) -> values.forEach(v -> refuseNul(name, v)));
  }

  private static void refuseNul(String name, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new BadRequestResponse(name + " must not contain the NUL character");
    }
  }

  private void history(Context ctx) throws SQLException {
    authorize(ctx);
    ctx.json(
        queries.segmentHistory(
            site(ctx), ctx.pathParam("visitorId"), limit(ctx), ctx.queryParam("after")));
  }

  private void members(Context ctx) throws SQLException {
    authorize(ctx);
    ctx.json(
        queries.members(
            site(ctx),
            ctx.pathParam("segmentId"),
            instant(ctx, "at", null),
            limit(ctx),
            ctx.queryParam("after")));
  }

  private void transcripts(Context ctx) throws SQLException {
    authorize(ctx);
    Instant to = instant(ctx, "to", clock.instant());
    Instant from = from(ctx, to, Duration.ofDays(7));
    ctx.json(
        queries.transcripts(
            site(ctx), ctx.queryParam("segmentId"), from, to, limit(ctx), ctx.queryParam("after")));
  }

  private void performance(Context ctx) throws SQLException {
    authorize(ctx);
    Instant to = instant(ctx, "to", clock.instant());
    Instant from = from(ctx, to, Duration.ofDays(7));
    ctx.json(Map.of("from", from, "to", to, "rows", queries.performance(site(ctx), from, to)));
  }

  private void counts(Context ctx) throws SQLException {
    authorize(ctx);
    Instant to = instant(ctx, "to", clock.instant());
    Instant from = from(ctx, to, Duration.ofHours(24));
    if (Duration.between(from, to).compareTo(Duration.ofDays(7)) > 0) {
      throw new BadRequestResponse("at most 7 days of minute counts per request");
    }
    ctx.json(queries.minuteCounts(site(ctx), ctx.pathParam("segmentId"), from, to));
  }

  private void erasure(Context ctx) throws SQLException {
    authorize(ctx);
    ctx.json(queries.erasure(site(ctx), ctx.pathParam("visitorId")));
  }

  private static String site(Context ctx) {
    String site = ctx.queryParam("siteId");
    if (site == null || site.isBlank()) {
      throw new BadRequestResponse("siteId is required");
    }
    return site;
  }

  private static int limit(Context ctx) {
    return QueryParams.intInRange(ctx, "limit", 100, 1, 500);
  }

  private static Instant instant(Context ctx, String name, Instant defaultValue) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    Instant instant;
    try {
      instant = Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw new BadRequestResponse(
          name + " must be an ISO-8601 instant such as 2026-11-22T10:00:00Z");
    }
    if (instant.isBefore(HistoryQueries.EARLIEST) || instant.isAfter(HistoryQueries.LATEST)) {
      throw new BadRequestResponse(name + " must be in the years 1970 to 9999");
    }
    return instant;
  }

  /** The range's start: {@code from}, or {@code span} before {@code to}; never after {@code to}. */
  private static Instant from(Context ctx, Instant to, Duration span) {
    Instant earliestDefault =
        to.isBefore(HistoryQueries.EARLIEST.plus(span)) ? HistoryQueries.EARLIEST : to.minus(span);
    Instant from = instant(ctx, "from", earliestDefault);
    if (from.isAfter(to)) {
      throw new BadRequestResponse("from must not be after to");
    }
    return from;
  }
}
