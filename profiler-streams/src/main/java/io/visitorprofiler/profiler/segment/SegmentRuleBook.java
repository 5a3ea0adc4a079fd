package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
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
      long version,
      Map<String, List<SegmentRule>> bySite,
      Map<String, SegmentRule> byId,
      Map<String, RulePositions> positionsBySite,
      Map<String, Instant> lastSavedBySite,
      Map<String, CandidateIndex> candidatesBySite,
      Map<String, SharedConditions> sharedBySite) {
    static final Snapshot EMPTY = of(0, Map.of());

    /** The site's rules in evaluation order (by segment id). */
    public List<SegmentRule> rulesOf(String siteId) {
      return bySite.getOrDefault(siteId, List.of());
    }

    /** The position of a segment's rule in {@link #rulesOf} of the site, or -1 if it has none. */
    public int positionOf(String siteId, String segmentId) {
      return positionsBySite.getOrDefault(siteId, RulePositions.EMPTY).of(segmentId);
    }

    /**
     * The positions in {@link #rulesOf} of the site's rules that can match the visitor now and may
     * read a changed field; the others have an equality guard that does not hold or read nothing
     * that changed (see {@link CandidateIndex}).
     */
    public BitSet candidatesOf(String siteId, FieldValues visitor, long changed) {
      return candidatesBySite
          .getOrDefault(siteId, CandidateIndex.EMPTY)
          .candidates(visitor, changed);
    }

    /** Which of the site's rules have the same condition. */
    SharedConditions sharedConditionsOf(String siteId) {
      return sharedBySite.getOrDefault(siteId, SharedConditions.NONE);
    }

    /** Whether a rule of the site was saved after {@code moment}. */
    public boolean savedAfter(String siteId, Instant moment) {
      Instant lastSaved = lastSavedBySite.get(siteId);
      return lastSaved != null && lastSaved.isAfter(moment);
    }

    static Snapshot of(long version, Map<String, SegmentRule> rules) {
      Map<String, List<SegmentRule>> bySite = new HashMap<>();
      for (SegmentRule rule : rules.values()) {
        bySite.computeIfAbsent(rule.siteId(), s -> new ArrayList<>()).add(rule);
      }
      Map<String, List<SegmentRule>> frozen = new HashMap<>();
      Map<String, RulePositions> positions = new HashMap<>();
      Map<String, Instant> lastSaved = new HashMap<>();
      Map<String, CandidateIndex> candidates = new HashMap<>();
      Map<String, SharedConditions> shared = new HashMap<>();
      // Evaluation order is fixed (by segment id) so that output order is deterministic.
      bySite.forEach(
          (site, list) -> {
            list.sort(Comparator.comparing(SegmentRule::segmentId));
            frozen.put(site, List.copyOf(list));
            for (SegmentRule rule : list) {
              lastSaved.merge(
                  site, rule.definition().getUpdatedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
            positions.put(site, RulePositions.of(list));
            candidates.put(site, CandidateIndex.of(list));
            shared.put(site, SharedConditions.of(list));
          });
      // Looked up by segment id: a hash map, which compares hashes before keys, not Map.copyOf's
      // probing table, which compares every probed id (5 % of the samples at 1,000 rules).
      return new Snapshot(
          version,
          Map.copyOf(frozen),
          Collections.unmodifiableMap(new HashMap<>(rules)),
          Map.copyOf(positions),
          Map.copyOf(lastSaved),
          Map.copyOf(candidates),
          Map.copyOf(shared));
    }

    public Optional<SegmentRule> rule(String segmentId) {
      return Optional.ofNullable(byId.get(segmentId));
    }
  }

  private final Map<String, SegmentRule> rules = new HashMap<>();
  // Definitions of segments that were deleted or disabled, to name them in their EXITED events.
  private final Map<String, SegmentDefinition> retired =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

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
    snapshot = Snapshot.of(snapshot.version() + 1, rules);
  }
}
