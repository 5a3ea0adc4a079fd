package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.schemas.Transition;

/**
 * One membership change decided by an evaluation.
 *
 * @param rule the rule that decided it; for a segment that no longer exists, its last known rule
 *     may be absent, so name and priority are kept separately
 */
public record SegmentTransition(
    String segmentId,
    String segmentName,
    long version,
    int priority,
    Transition transition,
    SegmentRule rule) {}
