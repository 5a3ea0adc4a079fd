package io.visitorprofiler.profiler.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A segment definition with its condition compiled and analysed: which profile fields it reads (so
 * it runs only when one of them changed) and which time thresholds it tests.
 */
public final class SegmentRule {
  private final SegmentDefinition definition;
  private final CelRuntime.Program program;
  private final long reads;
  private final List<TimeThreshold> thresholds;
  private final Optional<RuleGuard> guard;

  SegmentRule(
      SegmentDefinition definition,
      CelRuntime.Program program,
      long reads,
      List<TimeThreshold> thresholds,
      Optional<RuleGuard> guard) {
    this.definition = definition;
    this.program = program;
    this.reads = reads;
    this.thresholds = List.copyOf(thresholds);
    this.guard = guard;
  }

  /** A necessary condition that is cheaper to test than the rule, if the rule has one. */
  public Optional<RuleGuard> guard() {
    return guard;
  }

  public SegmentDefinition definition() {
    return definition;
  }

  public String segmentId() {
    return definition.getSegmentId();
  }

  public String siteId() {
    return definition.getSiteId();
  }

  public int priority() {
    return definition.getPriority();
  }

  public long version() {
    return definition.getVersion();
  }

  /** The {@link FieldMask} of the fields the condition reads. */
  public long reads() {
    return reads;
  }

  /** True when the outcome can change with time alone. */
  public boolean timeDependent() {
    return (reads & FieldMask.TIME_DEPENDENT) != 0;
  }

  public List<TimeThreshold> thresholds() {
    return thresholds;
  }

  /** Evaluates the condition; a run-time error (a missing map key, say) is thrown to the caller. */
  public boolean matches(Map<String, Object> visitor) throws CelEvaluationException {
    return Boolean.TRUE.equals(program.eval(Map.of("visitor", visitor)));
  }
}
