package io.visitorprofiler.sink.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a listing: the items and the cursor of the next page ({@code null} on the last).
 * Cursors are opaque to clients: the sort key of the last item, base64url-encoded.
 */
public record Page<T>(List<T> items, String next) {
  public static String cursor(String... keyParts) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(String.join("\n", keyParts).getBytes(StandardCharsets.UTF_8));
  }

  /** The key parts of a cursor; an unreadable cursor is an {@link IllegalArgumentException}. */
  public static String[] parts(String cursor, int expected) {
    String[] parts;
    try {
      parts =
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid cursor");
    }
    if (parts.length != expected || String.join("", parts).indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid cursor"); // a NUL is no key of ours
    }
    return parts;
  }
}
