package io.visitorprofiler.schemas.topic;

import org.apache.avro.specific.SpecificRecord;

/**
 * A topic of the DESIGN contract: its name and the Avro type of its values. Keys are strings
 * (visitor id, or segment id on the definitions topic).
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType) {}
