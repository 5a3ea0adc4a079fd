package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.schemas.Membership;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import java.util.Optional;

/** One membership change decided by an evaluation, with what its record needs to name it. */
public record SegmentTransition(
    String segmentId, String segmentName, long version, int priority, Transition transition) {

  static SegmentTransition of(SegmentRule rule, Transition direction) {
    return new SegmentTransition(
        rule.segmentId(), rule.definition().getName(), rule.version(), rule.priority(), direction);
  }

  /**
   * The exit of a membership that no rule decided (an erasure, an eviction, a deleted segment):
   * named from the segment's rule or, once deleted or disabled, from its last definition.
   */
  public static SegmentTransition exit(
      Membership membership, SegmentRuleBook.Snapshot rules, SegmentRuleBook book) {
    String id = membership.getSegmentId();
    Optional<SegmentRule> rule = rules.rule(id);
    Optional<SegmentDefinition> definition =
        rule.map(SegmentRule::definition).or(() -> book.retired(id));
    long version =
        rule.isPresent()
            ? membership.getVersion()
            : definition.map(SegmentDefinition::getVersion).orElse(membership.getVersion());
    return new SegmentTransition(
        id,
        definition.map(SegmentDefinition::getName).orElse(id),
        version,
        definition.map(SegmentDefinition::getPriority).orElse(0),
        Transition.EXITED);
  }
}
