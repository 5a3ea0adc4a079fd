package io.visitorprofiler.schemas.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the registry. Keys follow Confluent's serde configuration, so existing client
 * configuration carries over: {@code schema.registry.url}, {@code basic.auth.user.info}.
 *
 * @param url base URL of the Confluent API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}
 * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, if any
 * @param retries further attempts after a failed one, for connection errors and 5xx answers
 */
public record SchemaRegistryConfig(
    String url,
    Optional<String> basicAuthUserInfo,
    Duration connectTimeout,
    Duration requestTimeout,
    int retries,
    Duration retryBackoff) {

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String RETRIES = "schema.registry.retries";
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";

  /** The local stack's registry (Apicurio's Confluent API). */
  public static final String LOCAL_URL = "http://127.0.0.1:8081/apis/ccompat/v7";

  public SchemaRegistryConfig {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException(URL + " must be an http(s) URL, got " + redacted(url));
    }
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (basicAuthUserInfo.isPresent() && !basicAuthUserInfo.get().contains(":")) {
      throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
    }
    if (retries < 0) {
      throw new IllegalArgumentException(RETRIES + " must not be negative");
    }
  }

  /**
   * A registry URL fit for a log: without user information (credentials belong in {@link
   * #BASIC_AUTH_USER_INFO}, but may have been put in the URL) or a query.
   */
  public static String redacted(String url) {
    if (url == null) {
      return null;
    }
    // Up to the last '@': a password may hold '@', '/' or '#' (unescaped); masking a host or
    // path too in a URL with an '@' elsewhere costs a log line's detail, not a secret.
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    String shown =
        scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
    int query = shown.indexOf('?');
    return query < 0 ? shown : shown.substring(0, query) + "?***";
  }

  /** The serde settings of a service: the registry's URL and, when given, its credentials. */
  public static java.util.Map<String, Object> serdeConfig(
      String url, java.util.Optional<String> basicAuthUserInfo) {
    java.util.Map<String, Object> config = new java.util.HashMap<>();
    config.put(URL, url);
    basicAuthUserInfo.ifPresent(u -> config.put(BASIC_AUTH_USER_INFO, u));
    return config;
  }

  public static SchemaRegistryConfig of(String url) {
    return new SchemaRegistryConfig(
        url,
        Optional.empty(),
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        3,
        Duration.ofMillis(200));
  }

  /** Reads the keys above from a Kafka serde configuration map. */
  public static SchemaRegistryConfig fromSerdeConfig(Map<String, ?> configs) {
    Object url = configs.get(URL);
    if (url == null) {
      throw new IllegalArgumentException(URL + " is required to use the Avro serdes");
    }
    SchemaRegistryConfig defaults = of(url.toString());
    return new SchemaRegistryConfig(
        defaults.url(),
        Optional.ofNullable(configs.get(BASIC_AUTH_USER_INFO)).map(Object::toString),
        millis(configs, CONNECT_TIMEOUT_MS, defaults.connectTimeout()),
        millis(configs, REQUEST_TIMEOUT_MS, defaults.requestTimeout()),
        configs.containsKey(RETRIES)
            ? Integer.parseInt(configs.get(RETRIES).toString())
            : defaults.retries(),
        millis(configs, RETRY_BACKOFF_MS, defaults.retryBackoff()));
  }

  private static Duration millis(Map<String, ?> configs, String key, Duration fallback) {
    Object value = configs.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.toString()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number of milliseconds, got " + value);
    }
  }
}
