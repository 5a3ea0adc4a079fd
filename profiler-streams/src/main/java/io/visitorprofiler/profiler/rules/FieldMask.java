package io.visitorprofiler.profiler.rules;

import java.util.EnumSet;
import java.util.Set;

/** A set of {@link ProfileField}s as the bits of a {@code long}: cheap to test per event. */
public final class FieldMask {
  /** Every field. */
  public static final long ALL = (1L << ProfileField.values().length) - 1;

  /** Every time-dependent field. */
  public static final long TIME_DEPENDENT = of(timeDependentFields());

  private FieldMask() {}

  public static long of(ProfileField... fields) {
    long mask = 0;
    for (ProfileField field : fields) {
      mask |= field.bit();
    }
    return mask;
  }

  public static long of(Set<ProfileField> fields) {
    return of(fields.toArray(ProfileField[]::new));
  }

  public static Set<ProfileField> fields(long mask) {
    Set<ProfileField> fields = EnumSet.noneOf(ProfileField.class);
    for (ProfileField field : ProfileField.values()) {
      if ((mask & field.bit()) != 0) {
        fields.add(field);
      }
    }
    return fields;
  }

  private static ProfileField[] timeDependentFields() {
    return java.util.Arrays.stream(ProfileField.values())
        .filter(ProfileField::timeDependent)
        .toArray(ProfileField[]::new);
  }
}
