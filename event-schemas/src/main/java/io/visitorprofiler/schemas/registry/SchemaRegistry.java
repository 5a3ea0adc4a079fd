package io.visitorprofiler.schemas.registry;

import org.apache.avro.Schema;

/** What our serdes need from a Confluent-compatible schema registry. */
public interface SchemaRegistry {
  /** Registers the schema under the subject (a no-op if it is already there) and returns its id. */
  int register(String subject, Schema schema);

  /** The id of a schema already registered under the subject, without registering it. */
  int idOf(String subject, Schema schema);

  /** The schema with this id. */
  Schema schemaById(int id);

  /** The newest version registered under the subject. */
  RegisteredSchema latest(String subject);

  /** Whether the registry would accept the schema as the subject's next version. */
  boolean isCompatible(String subject, Schema schema);
}
