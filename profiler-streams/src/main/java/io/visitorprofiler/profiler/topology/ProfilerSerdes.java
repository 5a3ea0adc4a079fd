package io.visitorprofiler.profiler.topology;

import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.registry.SchemaRegistry;
import io.visitorprofiler.schemas.serde.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The serdes of the topology, all over one schema registry. */
public record ProfilerSerdes(
    AvroSerde<ClickstreamEvent> clickstream,
    AvroSerde<ChatEvent> chat,
    AvroSerde<ErasureRequest> erasure,
    AvroSerde<SegmentDefinition> definitions,
    AvroSerde<SegmentChange> changes,
    AvroSerde<VisitorProfile> profiles) {

  public static ProfilerSerdes over(SchemaRegistry registry) {
    return new ProfilerSerdes(
        serde(ClickstreamEvent.class, registry),
        serde(ChatEvent.class, registry),
        serde(ErasureRequest.class, registry),
        serde(SegmentDefinition.class, registry),
        serde(SegmentChange.class, registry),
        serde(VisitorProfile.class, registry));
  }

  private static <T extends SpecificRecord> AvroSerde<T> serde(
      Class<T> type, SchemaRegistry registry) {
    AvroSerde<T> serde = new AvroSerde<>(type, registry, true);
    serde.configure(Map.of(), false);
    return serde;
  }
}
