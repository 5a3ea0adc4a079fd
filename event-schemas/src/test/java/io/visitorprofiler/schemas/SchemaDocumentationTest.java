package io.visitorprofiler.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every record, enum and field of every schema carries documentation. */
class SchemaDocumentationTest {
  @Test
  void everyTypeAndFieldIsDocumented() {
    List<String> undocumented = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    ReleasedSchemas.current().values().forEach(s -> walk(s, undocumented, seen));
    assertThat(undocumented).isEmpty();
  }

  private static void walk(Schema schema, List<String> undocumented, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (blank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (blank(field.doc())) {
            undocumented.add(schema.getName() + "." + field.name());
          }
          walk(field.schema(), undocumented, seen);
        }
      }
      case ENUM -> {
        if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
      }
      case UNION -> schema.getTypes().forEach(t -> walk(t, undocumented, seen));
      case ARRAY -> walk(schema.getElementType(), undocumented, seen);
      case MAP -> walk(schema.getValueType(), undocumented, seen);
      default -> {}
    }
  }

  private static boolean blank(String doc) {
    return doc == null || doc.isBlank();
  }
}
