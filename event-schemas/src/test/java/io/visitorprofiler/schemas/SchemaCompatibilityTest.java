package io.visitorprofiler.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * BACKWARD compatibility with the schemas as released: consumers on the new schema must read every
 * record written with a released one (and profile state restored from a changelog).
 */
class SchemaCompatibilityTest {
  @Test
  void everyCurrentSchemaReadsWhatItsReleasedVersionWrote() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> entry : ReleasedSchemas.current().entrySet()) {
      Path released = ReleasedSchemas.file(ReleasedSchemas.DIR, entry.getKey());
      assertThat(released)
          .as("released schema of %s (record it at a release, see ReleasedSchemas)", entry.getKey())
          .exists();
      Schema writer = new Schema.Parser().parse(Files.readString(released));
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(entry.getValue(), writer);
      if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
        problems.add(entry.getKey() + ": " + result.getResult().getIncompatibilities());
      }
    }
    assertThat(problems).as("schema changes that break BACKWARD compatibility").isEmpty();
  }

  @Test
  void theCheckCatchesARequiredFieldAddedWithoutADefault() {
    Schema released = Invitation.getClassSchema();
    String json = released.toString();
    Schema broken =
        new Schema.Parser()
            .parse(
                json.replaceFirst(
                    "\"fields\":\\[", "\"fields\":[{\"name\":\"channel\",\"type\":\"string\"},"));

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, released).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void theCheckAllowsAnOptionalFieldWithADefault() {
    Schema released = Invitation.getClassSchema();
    Schema evolved =
        new Schema.Parser()
            .parse(
                released
                    .toString()
                    .replaceFirst(
                        "\"fields\":\\[",
                        "\"fields\":[{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null},"));

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolved, released).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }
}
