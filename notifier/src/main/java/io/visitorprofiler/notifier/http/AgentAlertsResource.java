package io.visitorprofiler.notifier.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.sse.SseClient;
import io.visitorprofiler.notifier.agent.AgentDirectory;
import io.visitorprofiler.notifier.agent.MuteStore;
import io.visitorprofiler.notifier.alert.Alert;
import io.visitorprofiler.notifier.alert.AlertHub;
import io.visitorprofiler.runtime.http.BearerTokens;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.http.SseStreams;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code GET /v1/agents/{agentId}/alerts}: the agent's alerts as server-sent events (event {@code
 * alert}, the alert's number as id; {@code Last-Event-ID} replays what was missed within the kept
 * window). {@code GET/PUT /v1/agents/{agentId}/mutes[/{segmentId}]}: the agent's muted pop-ups and
 * sounds. The agent's token comes as {@code Authorization: Bearer} or, for {@code EventSource},
 * {@code ?token=}.
 */
public final class AgentAlertsResource implements HttpRoutes, AutoCloseable {
  private final AgentDirectory agents;
  private final AlertHub hub;
  private final MuteStore mutes;
  private final SseStreams streams = new SseStreams("alerts", Duration.ofSeconds(25));

  public AgentAlertsResource(AgentDirectory agents, AlertHub hub, MuteStore mutes) {
    this.agents = agents;
    this.hub = hub;
    this.mutes = mutes;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.before("/v1/agents/{agentId}/*", this::authorize);
    routes.sse("/v1/agents/{agentId}/alerts", this::stream);
    routes.get("/v1/agents/{agentId}/mutes", ctx -> ctx.json(mutes.all(ctx.pathParam("agentId"))));
    routes.put("/v1/agents/{agentId}/mutes/{segmentId}", this::mute);
  }

  private void authorize(Context ctx) {
    String token = BearerTokens.from(ctx).orElseGet(() -> ctx.queryParam("token"));
    if (agents.authenticate(ctx.pathParam("agentId"), token).isEmpty()) {
      throw new UnauthorizedResponse("unknown agent or wrong token");
    }
  }

  private void stream(SseClient client) {
    String agentId = client.ctx().pathParam("agentId");
    long lastSeen = 0;
    String header = client.ctx().header("Last-Event-ID");
    if (header != null) {
      try {
        lastSeen = Long.parseLong(header.trim());
      } catch (NumberFormatException ignored) {
        // a console that sends garbage starts fresh
      }
    }
    // Each console is written by its own virtual thread from a bounded queue, so a slow console
    // never holds up the feed or other agents; one that falls 1,000 alerts behind is closed and
    // its EventSource reconnects with Last-Event-ID, getting the kept alerts back.
    ThreadPoolExecutor writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(1000),
            Thread.ofVirtual().name("console-" + agentId).factory(),
            (task, pool) -> client.close());
    Consumer<Alert> listener =
        alert -> writer.execute(() -> client.sendEvent("alert", alert, String.valueOf(alert.id())));
    Runnable disconnect =
        () -> {
          hub.disconnect(agentId, listener);
          writer.shutdownNow();
        };
    if (!streams.open(client, disconnect)) {
      return; // stopping: the console reconnects elsewhere
    }
    client.sendComment("connected");
    hub.connect(agentId, lastSeen, listener);
  }

  private void mute(Context ctx) {
    JsonNode body;
    try {
      body = ServiceHttpServer.JSON.readTree(ctx.body());
    } catch (JsonProcessingException e) {
      throw new BadRequestResponse("the body must be a JSON object: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw new BadRequestResponse(
          "the body must be a JSON object such as {\"popupMuted\": true, \"soundMuted\": false}");
    }
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!name.equals("popupMuted") && !name.equals("soundMuted")) {
                throw new BadRequestResponse(
                    "unknown field '" + name + "'; the fields are popupMuted and soundMuted");
              }
            });
    MuteStore.Mute mute = new MuteStore.Mute(flag(body, "popupMuted"), flag(body, "soundMuted"));
    mutes.set(ctx.pathParam("agentId"), ctx.pathParam("segmentId"), mute);
    ctx.json(mute);
  }

  /** A boolean field; absent or null means false. */
  private static boolean flag(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new BadRequestResponse(field + " must be true or false");
    }
    return value.booleanValue();
  }

  /** Ends every open stream (the HTTP server does, before it stops). */
  @Override
  public void close() {
    streams.close();
  }
}
