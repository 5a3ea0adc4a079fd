package io.visitorprofiler.schemas;

import io.visitorprofiler.schemas.serde.Subjects;
import io.visitorprofiler.schemas.topic.Topic;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The schemas as released, kept in {@code event-schemas/released/}: one file per registry subject
 * plus the profile kept as state. At a release, record the current schemas with {@code ./mvnw -q
 * -pl event-schemas -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.visitorprofiler.schemas.ReleasedSchemas -Dexec.args=event-schemas/released}
 * from the project root.
 */
public final class ReleasedSchemas {
  static final Path DIR = Path.of("released");

  private ReleasedSchemas() {}

  /** File name (without .avsc) to the schema the code has now. */
  static Map<String, Schema> current() {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    for (Topic<?> topic : Topics.ALL) {
      schemas.put(
          Subjects.of(topic.name(), false), SpecificData.get().getSchema(topic.valueType()));
    }
    schemas.put("state-VisitorProfile", VisitorProfile.getClassSchema());
    return schemas;
  }

  static Path file(Path dir, String name) {
    return dir.resolve(name + ".avsc");
  }

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : DIR;
    Files.createDirectories(dir);
    for (Map.Entry<String, Schema> entry : current().entrySet()) {
      Files.writeString(file(dir, entry.getKey()), entry.getValue().toString(true) + "\n");
      System.out.println("recorded " + file(dir, entry.getKey()));
    }
  }
}
