package io.visitorprofiler.profiler.rules;

import java.util.Collection;
import java.util.Map;

/**
 * A cheap necessary condition of a rule: one conjunct of its top-level {@code &&} that compares a
 * field with a literal, tested in plain Java on the same profile view the rule reads. When a guard
 * does not hold the rule cannot match (in CEL, {@code false && x} is false whatever x is), so a
 * visitor who is not a member needs no CEL evaluation.
 *
 * <p>The forms: a string field equal to a literal ({@code visitor.geo.city == 'Miami'}), a literal
 * in the cart's SKUs ({@code 'CUPS-6' in visitor.cart.skus}), a string field's {@code
 * startsWith}/{@code endsWith}/{@code contains} with a literal, a number field compared with a
 * number ({@code visitor.purchases.count >= 2}), a key in a map field ({@code 'found' in
 * visitor.postChat}) and a map field's entry equal to a literal ({@code visitor.postChat['found']
 * == 'no'}, literal {@code Map.entry("found", "no")}). A field missing from the view, or a key
 * missing from a map that is indexed, makes the conjunct an error in CEL, which never matches: the
 * guard does not hold either. (An error costs CEL a formatted exception, so a rule guarded this way
 * decides without one.)
 */
public record RuleGuard(ProfileField field, Test test, Object literal) {

  /** How the field is compared with the literal. */
  public enum Test {
    EQUALS,
    IN_LIST,
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS,
    LESS,
    LESS_OR_EQUAL,
    GREATER,
    GREATER_OR_EQUAL,
    HAS_KEY,
    ENTRY_EQUALS
  }

  /** Whether the guard holds on the fields of a profile view. */
  public boolean holds(FieldValues visitor) {
    return holdsOn(visitor.get(field));
  }

  /** Whether the guard holds on this value of its field. */
  public boolean holdsOn(Object value) {
    return switch (test) {
      case EQUALS -> literal.equals(value);
      case IN_LIST -> value instanceof Collection<?> list && list.contains(literal);
      case STARTS_WITH -> value instanceof String s && s.startsWith((String) literal);
      case ENDS_WITH -> value instanceof String s && s.endsWith((String) literal);
      case CONTAINS -> value instanceof String s && s.contains((String) literal);
      case LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL ->
          value instanceof Number number && compares(number, (Number) literal);
      case HAS_KEY -> value instanceof Map<?, ?> map && map.containsKey(literal);
      case ENTRY_EQUALS ->
          value instanceof Map<?, ?> map
              && literal instanceof Map.Entry<?, ?> entry
              && entry.getValue().equals(map.get(entry.getKey()));
    };
  }

  private boolean compares(Number value, Number bound) {
    if (value instanceof Long l && bound instanceof Long b) {
      return switch (test) {
        case LESS -> l < b;
        case LESS_OR_EQUAL -> l <= b;
        case GREATER -> l > b;
        default -> l >= b;
      };
    }
    double v = value.doubleValue(); // primitive comparisons: NaN is never ordered, -0.0 == 0.0
    double b = bound.doubleValue();
    return switch (test) {
      case LESS -> v < b;
      case LESS_OR_EQUAL -> v <= b;
      case GREATER -> v > b;
      default -> v >= b;
    };
  }
}
