package io.visitorprofiler.schemas.registry;

import org.apache.avro.Schema;

/** A schema as the registry holds it: its global id and its version under a subject. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
