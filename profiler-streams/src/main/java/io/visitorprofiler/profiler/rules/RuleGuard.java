package io.visitorprofiler.profiler.rules;

import java.util.Collection;
import java.util.Map;

/**
 * A cheap necessary condition of a rule: one conjunct of its top-level {@code &&} that compares a
 * string field with a literal ({@code visitor.geo.city == 'Miami'}) or tests a literal's membership
 * in a list ({@code 'CUPS-6' in visitor.cart.skus}). When the guard does not hold the rule cannot
 * match, so a visitor who is not a member needs no CEL evaluation.
 */
public record RuleGuard(ProfileField field, String literal, boolean membership) {

  /** Whether the guard holds on a profile view (as built by ProfileView). */
  public boolean holds(Map<String, Object> visitor) {
    Object value = valueOf(visitor, field);
    if (membership) {
      return value instanceof Collection<?> list && list.contains(literal);
    }
    return literal.equals(value);
  }

  private static Object valueOf(Map<String, Object> visitor, ProfileField field) {
    if (field.group().isEmpty()) {
      return visitor.get(field.fieldName());
    }
    Object group = visitor.get(field.group().get());
    return group instanceof Map<?, ?> map ? map.get(field.fieldName()) : null;
  }
}
