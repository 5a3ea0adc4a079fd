package io.visitorprofiler.runtime.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

/** Reads query parameters strictly: a value out of its range is refused, never clamped. */
public final class QueryParams {
  private QueryParams() {}

  /**
   * The integer {@code name}, or {@code defaultValue} when absent; a 400 naming the range when it
   * is no integer from {@code min} to {@code max}.
   */
  public static int intInRange(Context ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadRequestResponse(name + " must be an integer from " + min + " to " + max);
  }
}
