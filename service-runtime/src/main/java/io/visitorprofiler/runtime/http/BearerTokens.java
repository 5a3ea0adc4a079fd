package io.visitorprofiler.runtime.http;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Reads and checks {@code Authorization: Bearer} tokens, comparing in constant time. */
public final class BearerTokens {
  private BearerTokens() {}

  public static Optional<String> from(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  public static boolean matches(String presented, String expected) {
    return MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  /** Refuses the request with 401 unless it carries {@code expected}. */
  public static void require(Context ctx, String expected) {
    String presented =
        from(ctx).orElseThrow(() -> new UnauthorizedResponse("missing Bearer token"));
    if (!matches(presented, expected)) {
      throw new UnauthorizedResponse("invalid token");
    }
  }
}
