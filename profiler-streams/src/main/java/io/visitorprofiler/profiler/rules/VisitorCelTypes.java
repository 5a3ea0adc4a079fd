package io.visitorprofiler.profiler.rules;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The declared shape of {@code visitor} for the CEL type checker, built from {@link ProfileField}:
 * one struct for the visitor and one per group (visit, geo, source, identity, cart, purchases,
 * device). A rule that names a field or type that is not here does not compile.
 */
public final class VisitorCelTypes implements CelTypeProvider {
  static final String PREFIX = "vp.";
  public static final VisitorCelTypes INSTANCE = new VisitorCelTypes();

  private final Map<String, StructType> structs = new LinkedHashMap<>();
  private final StructType visitor;

  private VisitorCelTypes() {
    Map<String, Map<String, CelType>> groups = new LinkedHashMap<>();
    Map<String, CelType> top = new LinkedHashMap<>();
    for (ProfileField field : ProfileField.values()) {
      field
          .group()
          .ifPresentOrElse(
              g ->
                  groups
                      .computeIfAbsent(g, k -> new LinkedHashMap<>())
                      .put(field.fieldName(), field.type()),
              () -> top.put(field.fieldName(), field.type()));
    }
    groups.forEach(
        (group, fields) -> {
          StructType struct = struct(PREFIX + capitalized(group), fields);
          structs.put(struct.name(), struct);
          top.put(group, struct);
        });
    visitor = struct(PREFIX + "Visitor", top);
    structs.put(visitor.name(), visitor);
  }

  /** The type of the {@code visitor} variable. */
  public StructType visitor() {
    return visitor;
  }

  @Override
  public ImmutableCollection<CelType> types() {
    return ImmutableList.copyOf(structs.values());
  }

  @Override
  public Optional<CelType> findType(String typeName) {
    return Optional.ofNullable(structs.get(typeName));
  }

  private static StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = Map.copyOf(fields);
    return StructType.create(
        name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(copy.get(field)));
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
