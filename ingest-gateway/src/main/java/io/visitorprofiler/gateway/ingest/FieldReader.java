package io.visitorprofiler.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.visitorprofiler.runtime.http.ApiError;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of one JSON object and records a problem, named {@code where.field}, for each
 * field that is missing, of the wrong type or out of bounds. Readers return null for a bad field so
 * that all problems of an event are reported at once.
 */
final class FieldReader {
  /** The fields of a JSON object by name: a streamed event's, or a tree's ({@code node::get}). */
  @FunctionalInterface
  interface Fields {
    /** The value of {@code field}, or null when the object has no such field. */
    JsonNode get(String field);
  }

  private final Fields node;
  private final String where;
  private final List<ApiError.Problem> problems;

  FieldReader(Fields node, String where, List<ApiError.Problem> problems) {
    this.node = node;
    this.where = where;
    this.problems = problems;
  }

  void problem(String field, String message) {
    problems.add(new ApiError.Problem(where + "." + field, message));
  }

  boolean has(String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  /** An optional string; null when absent, a problem when not a string or longer than max. */
  String text(String field, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      problem(field, "must be a string");
      return null;
    }
    String text = value.textValue();
    if (text.length() > max) {
      problem(field, "must be at most " + max + " characters");
      return null;
    }
    if (hasNul(text)) {
      problem(field, NO_NUL);
      return null;
    }
    return text;
  }

  /** PostgreSQL stores no U+0000 in text or JSON: an event with one could never be written. */
  private static final String NO_NUL = "must not contain the NUL character (U+0000)";

  private static boolean hasNul(String text) {
    return text.indexOf('\0') >= 0;
  }

  String requiredText(String field, int max) {
    if (!has(field)) {
      problem(field, "is required");
      return null;
    }
    String text = text(field, max);
    if (text != null && text.isBlank()) {
      problem(field, "must not be blank");
      return null;
    }
    return text;
  }

  /** An identifier (visitor, event, chat id): letters, digits and {@code . _ : @ -}. */
  String identifier(String field, boolean required, int max) {
    String text = required ? requiredText(field, max) : text(field, max);
    if (text != null && !Tokens.isIdentifier(text)) {
      problem(field, "may only contain letters, digits and . _ : @ -");
      return null;
    }
    return text;
  }

  /** An absolute http(s) URL. */
  String url(String field, boolean required) {
    String text = required ? requiredText(field, 2048) : text(field, 2048);
    if (text == null || text.isEmpty()) {
      return null;
    }
    int host =
        text.regionMatches(true, 0, "http://", 0, 7)
            ? 7
            : text.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    if (host < 0 || host == text.length() || "/?#".indexOf(text.charAt(host)) >= 0) {
      problem(field, "must be an absolute http(s) URL with a host");
      return null;
    }
    return text;
  }

  Boolean bool(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      problem(field, "must be true or false");
      return null;
    }
    return value.booleanValue();
  }

  Boolean requiredBool(String field) {
    if (!has(field)) {
      problem(field, "is required");
      return null;
    }
    return bool(field);
  }

  Double amount(String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!value.isNumber()) {
      problem(field, "must be a number");
      return null;
    }
    double amount = value.doubleValue();
    if (!Double.isFinite(amount) || amount < 0 || amount > 1e12) {
      problem(field, "must be a number from 0 to 10^12");
      return null;
    }
    return amount;
  }

  Integer integer(String field, int min, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      problem(field, "must be an integer");
      return null;
    }
    int number = value.intValue();
    if (number < min || number > max) {
      problem(field, "must be between " + min + " and " + max);
      return null;
    }
    return number;
  }

  /**
   * 1970-01-01T00:00:00Z. A device whose clock was reset sends such times: the batch's sentAt
   * corrects them (ClockSkew), so they are taken; only what precedes the epoch or overflows is not.
   */
  static final long EARLIEST_MILLIS = 0L;

  /** 9999-12-31T23:59:59.999Z, the last ISO-8601 date without a sign. */
  static final long LATEST_MILLIS = 253_402_300_799_999L;

  /** ISO-8601 (with offset) or epoch milliseconds, in the years 1970 to 9999; null when absent. */
  Long timestamp(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    Long millis = null;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      millis = value.longValue();
    } else if (value.isTextual()) {
      millis = isoMillis(value.textValue());
    }
    if (millis == null) {
      problem(
          field, "must be ISO-8601 with an offset (2026-11-22T10:00:00Z) or epoch milliseconds");
      return null;
    }
    if (millis < EARLIEST_MILLIS || millis > LATEST_MILLIS) {
      problem(
          field, "must be a time in the years 1970 to 9999 (epoch milliseconds), got " + millis);
      return null;
    }
    return millis;
  }

  /** The epoch milliseconds of an ISO-8601 time, saturated past a long's range; null if unread. */
  private static Long isoMillis(String text) {
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      try {
        instant = Instant.parse(text);
      } catch (DateTimeException ignored) {
        return null;
      }
    }
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * A flat object of string values (form fields, custom variables, traits); numbers and booleans
   * are taken as their text. At most {@code maxEntries} entries of {@code maxLength} characters.
   */
  Map<String, String> stringMap(String field, boolean required, int maxEntries, int maxLength) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        problem(field, "is required");
        return null;
      }
      return Map.of();
    }
    if (!value.isObject()) {
      problem(field, "must be an object of strings");
      return null;
    }
    if (value.size() > maxEntries) {
      problem(field, "must have at most " + maxEntries + " entries");
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      JsonNode v = entry.getValue();
      String key = entry.getKey();
      if (key.isEmpty() || key.length() > 128) {
        problem(field, "keys must be 1 to 128 characters");
        return null;
      }
      if (hasNul(key)) {
        problem(field, "keys " + NO_NUL);
        return null;
      }
      if (v.isNull()) {
        continue;
      }
      if (!v.isValueNode()) {
        problem(field + "." + key, "must be a string, number or boolean");
        return null;
      }
      String text = v.asText();
      if (text.length() > maxLength) {
        problem(field + "." + key, "must be at most " + maxLength + " characters");
        return null;
      }
      if (hasNul(text)) {
        problem(field + "." + key, NO_NUL);
        return null;
      }
      map.put(key, text);
    }
    return map;
  }

  JsonNode node(String field) {
    return node.get(field);
  }

  String where() {
    return where;
  }
}
