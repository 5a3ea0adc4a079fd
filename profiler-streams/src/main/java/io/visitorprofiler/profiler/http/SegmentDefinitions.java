package io.visitorprofiler.profiler.http;

import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.List;
import java.util.Optional;

/** Where the admin API reads and writes definitions: the compacted topic and its global store. */
public interface SegmentDefinitions {
  Optional<SegmentDefinition> get(String segmentId);

  List<SegmentDefinition> all();

  /** Writes a definition (or a tombstone for null) and waits until the broker has it. */
  void publish(String segmentId, SegmentDefinition definition);
}
