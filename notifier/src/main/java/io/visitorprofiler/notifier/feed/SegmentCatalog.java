package io.visitorprofiler.notifier.feed;

import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The segment definitions as the compacted topic holds them now. */
public final class SegmentCatalog {
  private final Map<String, SegmentDefinition> definitions = new ConcurrentHashMap<>();

  public void accept(SegmentDefinition definition) {
    definitions.put(definition.getSegmentId(), definition);
  }

  public void remove(String segmentId) {
    if (segmentId != null) {
      definitions.remove(segmentId);
    }
  }

  /** The current definition of a segment, or null. */
  public SegmentDefinition definition(String segmentId) {
    return definitions.get(segmentId);
  }
}
