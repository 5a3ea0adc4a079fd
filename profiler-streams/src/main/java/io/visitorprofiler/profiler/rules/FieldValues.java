package io.visitorprofiler.profiler.rules;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The fields of one profile at one moment, each computed at most once per evaluation and only when
 * a guard asks for it: with many rules the same field is tested by many guards, and most
 * evaluations need a handful of fields, not the whole view. The whole view (what CEL reads) is
 * built only when a rule needs CEL, and then once.
 */
public final class FieldValues {
  private static final Object UNRESOLVED = new Object();
  private static final int FIELDS = ProfileField.values().length;

  private final Function<ProfileField, Object> lookUp;
  private final Supplier<Map<String, Object>> viewBuilder;
  private final Object[] values = new Object[FIELDS];
  private Map<String, Object> view;

  /**
   * @param lookUp one field's value, as the view would hold it (null when the view has none)
   * @param viewBuilder the whole view
   */
  public FieldValues(
      Function<ProfileField, Object> lookUp, Supplier<Map<String, Object>> viewBuilder) {
    this.lookUp = lookUp;
    this.viewBuilder = viewBuilder;
    Arrays.fill(values, UNRESOLVED);
  }

  /** Values looked up in a view that is already built. */
  public static FieldValues of(Map<String, Object> view) {
    return new FieldValues(field -> lookUp(view, field), () -> view);
  }

  /** The field's value in the view, or null when the view has none. */
  public Object get(ProfileField field) {
    Object value = values[field.ordinal()];
    if (value == UNRESOLVED) {
      value = lookUp.apply(field);
      values[field.ordinal()] = value;
    }
    return value;
  }

  /** The view the values come from (what the rules themselves read), built on first use. */
  public Map<String, Object> view() {
    if (view == null) {
      view = viewBuilder.get();
    }
    return view;
  }

  /** A field's value in a built view, or null when the view has none. */
  public static Object lookUp(Map<String, Object> view, ProfileField field) {
    if (field.group().isEmpty()) {
      return view.get(field.fieldName());
    }
    Object group = view.get(field.group().get());
    return group instanceof Map<?, ?> map ? map.get(field.fieldName()) : null;
  }
}
