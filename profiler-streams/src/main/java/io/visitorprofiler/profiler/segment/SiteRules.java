package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.SegmentRule;
import java.time.Instant;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The enabled rules of one site in evaluation order (by segment id, so that output order is
 * deterministic), with what an evaluation looks up about them: each rule's position, the index of
 * candidates, the conditions rules share and when a rule was last saved. One look-up per evaluation
 * finds them all.
 */
public final class SiteRules {
  static final SiteRules NONE =
      new SiteRules(
          List.of(), RulePositions.EMPTY, CandidateIndex.EMPTY, SharedConditions.NONE, null);

  private final List<SegmentRule> rules;
  private final RulePositions positions;
  private final CandidateIndex candidates;
  private final SharedConditions shared;
  private final Instant lastSaved; // null when the site has no rule

  private SiteRules(
      List<SegmentRule> rules,
      RulePositions positions,
      CandidateIndex candidates,
      SharedConditions shared,
      Instant lastSaved) {
    this.rules = rules;
    this.positions = positions;
    this.candidates = candidates;
    this.shared = shared;
    this.lastSaved = lastSaved;
  }

  /** Files the rules of one site, in any order. */
  static SiteRules of(List<SegmentRule> siteRules) {
    List<SegmentRule> ordered =
        siteRules.stream().sorted(Comparator.comparing(SegmentRule::segmentId)).toList();
    Instant lastSaved = null;
    for (SegmentRule rule : ordered) {
      Instant saved = rule.definition().getUpdatedAt();
      if (lastSaved == null || saved.isAfter(lastSaved)) {
        lastSaved = saved;
      }
    }
    return new SiteRules(
        ordered,
        RulePositions.of(ordered),
        CandidateIndex.of(ordered),
        SharedConditions.of(ordered),
        lastSaved);
  }

  /** The site's rules in evaluation order (by segment id). */
  public List<SegmentRule> rules() {
    return rules;
  }

  /** The position of a segment's rule in {@link #rules}, or -1 if the site has none. */
  public int positionOf(String segmentId) {
    return positions.of(segmentId);
  }

  /**
   * The positions in {@link #rules} of the rules that can match the visitor now and may read a
   * changed field; the others have an equality guard that does not hold or read nothing that
   * changed (see {@link CandidateIndex}).
   */
  public BitSet candidates(FieldValues visitor, long changed) {
    return candidates.candidates(visitor, changed);
  }

  /** Which of the rules have the same condition. */
  SharedConditions shared() {
    return shared;
  }

  /** Whether a rule of the site was saved after {@code moment}. */
  public boolean savedAfter(Instant moment) {
    return lastSaved != null && lastSaved.isAfter(moment);
  }
}
