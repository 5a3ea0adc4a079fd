package io.visitorprofiler.runtime.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed reads of environment variables with local defaults. Every read validates: a malformed value
 * fails at start with the variable's name, never later with a confusing error.
 */
public final class EnvConfig {
  /** Longer than any setting needs, short enough to add to any time the services meet. */
  private static final Duration MAX_DURATION = Duration.ofDays(36_500);

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Map<String, String> env;

  public EnvConfig(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The process environment. */
  public static EnvConfig fromSystem() {
    return new EnvConfig(System.getenv());
  }

  /** The value, or empty when the variable is unset or blank. */
  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /** A variable that has no sane default. */
  public String required(String name) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " must be set"));
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer, got '" + raw.get() + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default ->
          throw new ConfigException(name + " must be true or false, got '" + raw.get() + "'");
    };
  }

  /**
   * A duration written as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or
   * ISO-8601.
   */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = optional(name);
    return raw.isEmpty() ? defaultValue : parseDuration(name, raw.get());
  }

  static Duration parseDuration(String name, String text) {
    Duration parsed;
    try {
      parsed = parseDuration(text);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new ConfigException(
          name + " must be a duration such as 250ms, 30s, 5m, 2h, 7d or PT30S, got '" + text + "'");
    }
    if (parsed.isNegative()) {
      throw new ConfigException(name + " must not be negative, got '" + text + "'");
    }
    if (parsed.compareTo(MAX_DURATION) > 0) {
      throw new ConfigException(name + " must be at most 100 years, got '" + text + "'");
    }
    return parsed;
  }

  private static Duration parseDuration(String text) {
    Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return Duration.parse(text);
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** One constant of an enum, case-insensitive; an unknown value is refused, never defaulted. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String wanted = raw.get().replace('-', '_').toUpperCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(wanted)) {
        return constant;
      }
    }
    String allowed =
        Arrays.stream(type.getEnumConstants())
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    throw new ConfigException(name + " must be one of " + allowed + ", got '" + raw.get() + "'");
  }

  /** Every variable whose name starts with {@code prefix}, with the prefix removed, sorted. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new TreeMap<>();
    env.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && key.length() > prefix.length()) {
            found.put(key.substring(prefix.length()), value);
          }
        });
    return found;
  }
}
