package io.visitorprofiler.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry held in one process's memory: for unit tests (TopologyTestDriver, serdes in isolation)
 * and single-process tools. Services and integration tests use a real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final List<Schema> schemas = new ArrayList<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();
  private int lookups;

  @Override
  public synchronized int register(String subject, Schema schema) {
    int id = schemas.indexOf(schema);
    if (id < 0) {
      schemas.add(schema);
      id = schemas.size() - 1;
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    int id = schemas.indexOf(schema);
    if (id < 0 || !subjects.getOrDefault(subject, List.of()).contains(id)) {
      throw new SchemaRegistryException("schema not found under " + subject, 404, 40403, null);
    }
    return id;
  }

  /** How many times a schema was looked up by id (a client that caches asks once per id). */
  public synchronized int lookups() {
    return lookups;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    lookups++;
    if (id < 0 || id >= schemas.size()) {
      throw new SchemaRegistryException("schema " + id + " not found", 404, 40403, null);
    }
    return schemas.get(id);
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaRegistryException("subject " + subject + " not found", 404, 40401, null);
    }
    int id = versions.getLast();
    return new RegisteredSchema(subject, versions.size(), id, schemas.get(id));
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest(subject).schema())
            .getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }
}
