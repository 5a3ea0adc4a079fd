package io.visitorprofiler.gateway.enrich;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The host and query parameters of a URL, read leniently (browsers send what they send). A
 * parameter is found and decoded when it is asked for: most referrers are only asked for their
 * host.
 */
final class UrlParts {
  private final String host;
  private final String rawQuery;

  private UrlParts(String host, String rawQuery) {
    this.host = host;
    this.rawQuery = rawQuery;
  }

  /**
   * The parts of {@code scheme://[userinfo@]host[:port][/path][?query][#fragment]}, or empty when
   * the text has no such host. Read by hand rather than by {@link java.net.URI}: parsing URIs was 4
   * % of the machine's CPU samples under load (two URLs per page view), and URI refuses what
   * browsers send (underscores and international letters in host names, unescaped characters).
   */
  static Optional<UrlParts> of(String url) {
    if (url == null) {
      return Optional.empty();
    }
    String text = url.trim();
    int schemeEnd = text.indexOf("://");
    if (schemeEnd <= 0 || !isScheme(text, schemeEnd)) {
      return Optional.empty();
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < text.length() && "/?#".indexOf(text.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    int userInfoEnd = text.lastIndexOf('@', authorityEnd - 1); // user:password@ is dropped
    String hostAndPort =
        text.substring(
            userInfoEnd >= authorityStart ? userInfoEnd + 1 : authorityStart, authorityEnd);
    String host = host(hostAndPort);
    if (host == null) {
      return Optional.empty();
    }
    String rawQuery = null;
    int fragment = text.indexOf('#', authorityEnd);
    int queryStart = text.indexOf('?', authorityEnd);
    if (queryStart >= 0 && (fragment < 0 || queryStart < fragment)) {
      rawQuery = text.substring(queryStart + 1, fragment < 0 ? text.length() : fragment);
    }
    return Optional.of(new UrlParts(host.toLowerCase(Locale.ROOT), rawQuery));
  }

  private static boolean isScheme(String text, int end) {
    if (!Character.isLetter(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** The host of {@code host[:port]} or {@code [v6][:port]}, or null when it is not a host. */
  private static String host(String hostAndPort) {
    String host;
    String port;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = hostAndPort.substring(0, close + 1);
      port = hostAndPort.substring(close + 1);
      for (int i = 1; i < host.length() - 1; i++) {
        char c = host.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          return null;
        }
      }
    } else {
      int colon = hostAndPort.indexOf(':');
      host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
      port = colon < 0 ? "" : hostAndPort.substring(colon);
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
          return null;
        }
      }
    }
    if (host.isEmpty() || host.equals("[]") || host.startsWith(".")) {
      return null;
    }
    if (!port.isEmpty()) {
      if (port.charAt(0) != ':') {
        return null;
      }
      for (int i = 1; i < port.length(); i++) {
        if (port.charAt(i) < '0' || port.charAt(i) > '9') {
          return null;
        }
      }
    }
    return host;
  }

  /** The host, lower case. */
  String host() {
    return host;
  }

  /**
   * The value of the first parameter of the query whose name, decoded and lower-cased, is {@code
   * name} (lower case), decoded; "" for a name without a value; null when there is none. Read from
   * the raw query at each call instead of decoding the whole query into a map: a page is asked for
   * nine names, most of which it does not carry, and the map with its decoded copies was most of
   * the referrer's classification under load.
   */
  private String value(String name) {
    int length = rawQuery.length();
    for (int start = 0; start < length; ) {
      int end = rawQuery.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      int eq = start;
      while (eq < end && rawQuery.charAt(eq) != '=') {
        eq++;
      }
      if (nameIs(start, eq, name)) {
        return eq == end ? "" : decode(rawQuery.substring(eq + 1, end));
      }
      start = end + 1;
    }
    return null;
  }

  /** Whether the parameter name at {@code [from, to)} of the raw query reads {@code name}. */
  private boolean nameIs(int from, int to, String name) {
    for (int i = from; i < to; i++) {
      char c = rawQuery.charAt(i);
      if (c == '%' || c == '+' || c >= 0x80) { // encoded or not ASCII: compare what it decodes to
        return decode(rawQuery.substring(from, to)).toLowerCase(Locale.ROOT).equals(name);
      }
    }
    if (to - from != name.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = rawQuery.charAt(i);
      char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      if (lower != name.charAt(i - from)) {
        return false;
      }
    }
    return true;
  }

  private static String decode(String text) {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return text; // what URLDecoder would give, without its builder and copy
    }
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

  /** Whether the URL has a query with anything in it. */
  boolean hasQuery() {
    return rawQuery != null && !rawQuery.isEmpty();
  }

  /**
   * A non-blank query parameter, decoded, trimmed and capped. Names are compared decoded and
   * without case ({@code name} in lower case); the first of a repeated name wins.
   */
  Optional<String> param(String name, int max) {
    if (!hasQuery()) {
      return Optional.empty(); // most URLs: nothing to scan
    }
    String value = value(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    return Optional.of(trimmed.length() > max ? trimmed.substring(0, max) : trimmed);
  }
}
