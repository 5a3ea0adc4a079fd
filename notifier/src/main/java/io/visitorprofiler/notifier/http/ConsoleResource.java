package io.visitorprofiler.notifier.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.visitorprofiler.notifier.board.ProfilerOnlineVisitors;
import io.visitorprofiler.notifier.board.VisitorBoard;
import io.visitorprofiler.runtime.http.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The agent console: a static page and script served from the classpath (no build step), and {@code
 * GET /v1/agents/{agentId}/visitors}, the live list it shows (agent token checked by the alerts
 * resource's filter on {@code /v1/agents/{agentId}/*}).
 */
public final class ConsoleResource implements HttpRoutes {
  private final VisitorBoard board;
  private final ProfilerOnlineVisitors profiler;
  private final byte[] page = load("/console/index.html");
  private final byte[] script = load("/console/console.js");

  public ConsoleResource(VisitorBoard board, ProfilerOnlineVisitors profiler) {
    this.board = board;
    this.profiler = profiler;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/", ctx -> serve(ctx, page, "text/html; charset=utf-8"));
    routes.get("/console.js", ctx -> serve(ctx, script, "application/javascript; charset=utf-8"));
    routes.get("/v1/agents/{agentId}/visitors", ctx -> ctx.json(board.merged(profiler.rows())));
  }

  private static void serve(Context ctx, byte[] body, String type) {
    ctx.header("Cache-Control", "no-cache");
    ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
    ctx.contentType(type).result(body);
  }

  private static byte[] load(String resource) {
    try (InputStream in = ConsoleResource.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
