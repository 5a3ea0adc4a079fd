package io.visitorprofiler.gateway.http;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.visitorprofiler.gateway.site.Site;
import io.visitorprofiler.gateway.site.SiteRegistry;
import io.visitorprofiler.runtime.http.BearerTokens;

/**
 * Finds the site of a request by its write key ({@code Authorization: Bearer}, or the {@code
 * writeKey} query parameter for {@code sendBeacon} and {@code EventSource}, which cannot send
 * headers) and checks the browser's {@code Origin} against the site's allowed origins. Requests
 * without an Origin (servers, not browsers) need only the key.
 */
final class SiteAuthenticator {
  private final SiteRegistry sites;

  SiteAuthenticator(SiteRegistry sites) {
    this.sites = sites;
  }

  Site authenticate(Context ctx) {
    String origin = ctx.header("Origin");
    String key = BearerTokens.from(ctx).orElseGet(() -> ctx.queryParam("writeKey"));
    if (key == null || key.isBlank()) {
      throw readable(
          ctx,
          origin,
          new UnauthorizedResponse(
              "missing write key: send Authorization: Bearer <key> or ?writeKey=<key>"));
    }
    Site site =
        sites
            .byWriteKey(key.trim())
            .orElseThrow(
                () -> readable(ctx, origin, new UnauthorizedResponse("unknown write key")));
    if (origin != null) {
      if (!site.allowsOrigin(origin)) {
        throw readable(
            ctx,
            origin,
            new ForbiddenResponse(
                "origin " + origin + " is not allowed for site " + site.siteId()));
      }
      Cors.allow(ctx, origin);
    }
    return site;
  }

  /**
   * A refusal that a page of an origin some site allows may read (the same origins its preflight
   * lets through): hidden by the browser, a 401 or 403 looks to tracker.js like a network failure,
   * which it retries, where it stops on the refusal itself.
   */
  private <E extends RuntimeException> E readable(Context ctx, String origin, E refusal) {
    if (origin != null && sites.anyAllows(origin)) {
      Cors.allow(ctx, origin);
    }
    return refusal;
  }

  /** Answers a CORS preflight: allowed when some site allows the origin. */
  void preflight(Context ctx, String methods) {
    String origin = ctx.header("Origin");
    if (origin == null || !sites.anyAllows(origin)) {
      throw new ForbiddenResponse("origin " + origin + " is not allowed");
    }
    Cors.preflight(ctx, origin, methods);
  }
}
