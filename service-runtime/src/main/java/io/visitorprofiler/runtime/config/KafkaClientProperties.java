package io.visitorprofiler.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties passed through from the environment, so that SASL, TLS and any other
 * client setting of a real cluster needs no code change.
 *
 * <p>{@code VP_KAFKA_SASL_JAAS_CONFIG=...} becomes {@code sasl.jaas.config=...}: the prefix is
 * dropped, the rest lower-cased and underscores become dots. A properties file named by {@code
 * VP_KAFKA_CONFIG_FILE} is read first, so that variables override it; use the file for property
 * names that contain underscores or dashes.
 */
public final class KafkaClientProperties {
  public static final String PREFIX = "VP_KAFKA_";
  public static final String CONFIG_FILE = PREFIX + "CONFIG_FILE";
  public static final String LOCAL_BOOTSTRAP = "127.0.0.1:9092";

  private static final String[] SECRET_MARKERS = {
    "password", "passphrase", "jaas", "secret", "token", "user.info", "credentials"
  };

  private KafkaClientProperties() {}

  /**
   * The client properties the environment names, with {@code bootstrap.servers} defaulted locally.
   */
  public static Map<String, Object> fromEnv(EnvConfig env) {
    Map<String, Object> props = new TreeMap<>();
    env.optional(CONFIG_FILE).ifPresent(file -> props.putAll(readFile(CONFIG_FILE, Path.of(file))));
    env.withPrefix(PREFIX)
        .forEach(
            (name, value) -> {
              if (!(PREFIX + name).equals(CONFIG_FILE)) {
                props.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
              }
            });
    props.putIfAbsent("bootstrap.servers", LOCAL_BOOTSTRAP);
    return props;
  }

  /** The properties as text for a log line, with every secret masked. */
  public static String describe(Map<String, ?> props) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(props)
        .forEach(
            (name, value) -> {
              if (!text.isEmpty()) {
                text.append(", ");
              }
              text.append(name).append('=').append(isSecret(name) ? "****" : value);
            });
    return text.toString();
  }

  static boolean isSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".location") || lower.endsWith(".type") || lower.endsWith(".algorithm")) {
      return false;
    }
    if (lower.endsWith(".key")) {
      return true; // ssl.keystore.key: a private key given inline
    }
    for (String marker : SECRET_MARKERS) {
      if (lower.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> readFile(String variable, Path file) {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new ConfigException(variable + " names " + file + ", which cannot be read: " + e);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(n -> values.put(n, properties.getProperty(n)));
    return values;
  }
}
