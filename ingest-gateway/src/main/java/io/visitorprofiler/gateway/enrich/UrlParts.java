package io.visitorprofiler.gateway.enrich;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The host and query parameters of a URL, read leniently (browsers send what they send). */
record UrlParts(String host, Map<String, String> query) {

  static Optional<UrlParts> of(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url.trim().replace(" ", "%20"));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getHost() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new UrlParts(uri.getHost().toLowerCase(Locale.ROOT), query(uri.getRawQuery())));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(key, value);
    }
    return params;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** The host without a leading {@code www.}. */
  String domain() {
    return host.startsWith("www.") ? host.substring(4) : host;
  }

  /** A non-blank query parameter, trimmed and capped. */
  Optional<String> param(String name, int max) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    return Optional.of(trimmed.length() > max ? trimmed.substring(0, max) : trimmed);
  }
}
