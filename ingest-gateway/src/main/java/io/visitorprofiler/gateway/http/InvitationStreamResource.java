package io.visitorprofiler.gateway.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.sse.SseClient;
import io.visitorprofiler.gateway.invite.InvitationHub;
import io.visitorprofiler.gateway.site.Site;
import io.visitorprofiler.gateway.site.SiteRegistry;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.SseStreams;
import io.visitorprofiler.schemas.Invitation;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/visitors/{visitorId}/invitations?siteId=&writeKey=}: a server-sent event stream of
 * the visitor's proactive chat invitations (event name {@code invitation}, JSON data, the
 * invitation id as event id). A comment every {@code keepAlive} keeps proxies from closing idle
 * streams.
 */
public final class InvitationStreamResource implements HttpRoutes, AutoCloseable {
  static final String PATH = "/v1/visitors/{visitorId}/invitations";
  private static final Pattern VISITOR_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  private final SiteAuthenticator authenticator;
  private final InvitationHub hub;
  private final Clock clock;
  private final SseStreams streams;

  public InvitationStreamResource(
      SiteRegistry sites, InvitationHub hub, Duration keepAlive, Clock clock) {
    this.authenticator = new SiteAuthenticator(sites);
    this.hub = hub;
    this.clock = clock;
    this.streams = new SseStreams("invitations", keepAlive);
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.options(PATH, ctx -> authenticator.preflight(ctx, "GET, OPTIONS"));
    routes.before(PATH, this::authorize);
    routes.sse(PATH, this::stream);
  }

  private void authorize(Context ctx) {
    if (!"GET".equals(ctx.method().name())) {
      return;
    }
    Site site = authenticator.authenticate(ctx);
    String siteId = ctx.queryParam("siteId");
    if (siteId != null && !siteId.equals(site.siteId())) {
      throw new ForbiddenResponse("the write key is not the key of site " + siteId);
    }
    if (!VISITOR_ID.matcher(ctx.pathParam("visitorId")).matches()) {
      throw new BadRequestResponse("visitorId may only contain letters, digits and . _ : @ -");
    }
    ctx.attribute("vp.site", site.siteId());
  }

  private void stream(SseClient client) {
    String siteId = client.ctx().attribute("vp.site");
    String visitorId = client.ctx().pathParam("visitorId");
    InvitationHub.Listener listener = invitation -> send(client, invitation);
    if (!streams.open(client, () -> hub.disconnect(siteId, visitorId, listener))) {
      return; // stopping: the page reconnects elsewhere
    }
    client.sendComment("connected");
    hub.connect(siteId, visitorId, listener);
  }

  private void send(SseClient client, Invitation invitation) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("invitationId", invitation.getInvitationId());
    data.put("segmentId", invitation.getSegmentId());
    data.put("variantId", invitation.getVariantId());
    data.put("message", invitation.getMessage());
    data.put(
        "expiresAt",
        invitation.getExpiresAt() == null ? null : invitation.getExpiresAt().toEpochMilli());
    // This gateway's clock as it sends: the page counts the time left from it, not from its own
    // clock, which may be minutes off.
    data.put("sentAt", clock.millis());
    client.sendEvent("invitation", data, invitation.getInvitationId());
  }

  /** Ends every open stream (the HTTP server does, before it stops). */
  @Override
  public void close() {
    streams.close();
  }
}
