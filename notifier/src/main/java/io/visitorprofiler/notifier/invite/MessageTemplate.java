package io.visitorprofiler.notifier.invite;

import io.visitorprofiler.schemas.ProfileSnapshot;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills an invitation message from the visitor's snapshot: {@code {name}} (or "there"), {@code
 * {city}}, {@code {country}}, {@code {cartValue}}, {@code {visits}}, and {@code {freeShippingGap}}
 * — what is missing to the free-shipping threshold (0.00 when reached). A placeholder without a
 * value becomes an empty string; unknown placeholders stay as written.
 */
public final class MessageTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

  private final double freeShippingThreshold;

  public MessageTemplate(double freeShippingThreshold) {
    this.freeShippingThreshold = freeShippingThreshold;
  }

  public String render(String template, ProfileSnapshot snapshot) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = value(m.group(1), snapshot);
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String value(String name, ProfileSnapshot s) {
    return switch (name) {
      case "name" -> s != null && s.getName() != null ? s.getName() : "there";
      case "city" -> s != null && s.getCity() != null ? s.getCity() : "";
      case "country" -> s != null && s.getCountry() != null ? s.getCountry() : "";
      case "visits" -> s != null ? String.valueOf(s.getVisits()) : "";
      case "cartValue" -> money(s != null && s.getCartValue() != null ? s.getCartValue() : 0);
      case "freeShippingGap" -> {
        double cart = s != null && s.getCartValue() != null ? s.getCartValue() : 0;
        yield money(Math.max(0, freeShippingThreshold - cart));
      }
      default -> null;
    };
  }

  private static String money(double amount) {
    return String.format(Locale.ROOT, "%.2f", amount);
  }
}
