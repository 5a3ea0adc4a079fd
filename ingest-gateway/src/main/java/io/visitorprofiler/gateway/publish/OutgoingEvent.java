package io.visitorprofiler.gateway.publish;

import org.apache.avro.specific.SpecificRecord;

/** A record ready to publish: its topic, key (visitor id) and value. */
public record OutgoingEvent(String topic, String key, SpecificRecord value) {}
