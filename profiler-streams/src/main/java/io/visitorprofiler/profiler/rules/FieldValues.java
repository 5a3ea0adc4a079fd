package io.visitorprofiler.profiler.rules;

import java.util.Arrays;
import java.util.Map;

/**
 * The fields of one profile view, each looked up at most once per evaluation: with many rules the
 * same field is tested by many guards.
 */
public final class FieldValues {
  private static final Object UNRESOLVED = new Object();
  private static final int FIELDS = ProfileField.values().length;

  private final Map<String, Object> view;
  private final Object[] values = new Object[FIELDS];

  public FieldValues(Map<String, Object> view) {
    this.view = view;
    Arrays.fill(values, UNRESOLVED);
  }

  /** The field's value in the view, or null when the view has none. */
  public Object get(ProfileField field) {
    Object value = values[field.ordinal()];
    if (value == UNRESOLVED) {
      value = lookUp(field);
      values[field.ordinal()] = value;
    }
    return value;
  }

  private Object lookUp(ProfileField field) {
    if (field.group().isEmpty()) {
      return view.get(field.fieldName());
    }
    Object group = view.get(field.group().get());
    return group instanceof Map<?, ?> map ? map.get(field.fieldName()) : null;
  }

  /** The view the values come from (what the rules themselves read). */
  public Map<String, Object> view() {
    return view;
  }
}
