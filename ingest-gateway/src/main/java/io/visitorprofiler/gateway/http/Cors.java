package io.visitorprofiler.gateway.http;

import io.javalin.http.Context;

/** CORS answers for browser pages of the configured sites. */
final class Cors {
  private Cors() {}

  /** Lets the page at {@code origin} read the answer. */
  static void allow(Context ctx, String origin) {
    ctx.header("Access-Control-Allow-Origin", origin);
    ctx.header("Vary", "Origin");
    ctx.header("Access-Control-Expose-Headers", "Retry-After");
  }

  /** A preflight answer for {@code methods}, cached by the browser for ten minutes. */
  static void preflight(Context ctx, String origin, String methods) {
    allow(ctx, origin);
    ctx.header("Access-Control-Allow-Methods", methods);
    ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    ctx.header("Access-Control-Max-Age", "600");
    ctx.status(204);
  }
}
