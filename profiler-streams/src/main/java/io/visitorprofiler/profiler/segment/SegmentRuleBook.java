package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compiled, enabled segment rules of every site, shared by all stream tasks of an instance.
 * Written by the definitions processor, read by every task through immutable snapshots, so a reader
 * never sees a half-applied change.
 */
public final class SegmentRuleBook {
  /** An immutable view of the rules at one version. */
  public record Snapshot(
      long version, Map<String, List<SegmentRule>> bySite, Map<String, SegmentRule> byId) {
    public List<SegmentRule> rulesOf(String siteId) {
      return bySite.getOrDefault(siteId, List.of());
    }

    public Optional<SegmentRule> rule(String segmentId) {
      return Optional.ofNullable(byId.get(segmentId));
    }
  }

  private final Map<String, SegmentRule> rules = new HashMap<>();
  // Definitions of segments that were deleted or disabled, to name them in their EXITED events.
  private final Map<String, SegmentDefinition> retired =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Snapshot snapshot = new Snapshot(0, Map.of(), Map.of());

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Adds or replaces a rule; a disabled definition removes the segment's rule. */
  public synchronized void put(SegmentRule rule) {
    if (rule.definition().getEnabled()) {
      rules.put(rule.segmentId(), rule);
      retired.remove(rule.segmentId());
    } else {
      rules.remove(rule.segmentId());
      retired.put(rule.segmentId(), rule.definition());
    }
    publish();
  }

  public synchronized void remove(String segmentId) {
    SegmentRule removed = rules.remove(segmentId);
    if (removed != null) {
      retired.put(segmentId, removed.definition());
      publish();
    }
  }

  /** The last definition of a segment that no longer has an enabled rule, if it was ever known. */
  public Optional<SegmentDefinition> retired(String segmentId) {
    return Optional.ofNullable(retired.get(segmentId));
  }

  private void publish() {
    Map<String, List<SegmentRule>> bySite = new HashMap<>();
    for (SegmentRule rule : rules.values()) {
      bySite.computeIfAbsent(rule.siteId(), s -> new ArrayList<>()).add(rule);
    }
    Map<String, List<SegmentRule>> frozen = new HashMap<>();
    // Evaluation order is fixed (by segment id) so that output order is deterministic.
    bySite.forEach(
        (site, list) -> {
          list.sort(Comparator.comparing(SegmentRule::segmentId));
          frozen.put(site, List.copyOf(list));
        });
    snapshot = new Snapshot(snapshot.version() + 1, Map.copyOf(frozen), Map.copyOf(rules));
  }
}
