package io.visitorprofiler.profiler.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.List;
import java.util.Map;

/**
 * A segment definition with its condition compiled and analysed: which profile fields it reads (so
 * it runs only when one of them changed) and which time thresholds it tests.
 */
public final class SegmentRule {
  private final SegmentDefinition definition;
  private final CelRuntime.Program program;
  private final long reads;
  private final List<TimeThreshold> thresholds;
  private final RuleGuard[] guards; // an array: walked on every evaluation of every rule
  private final boolean guardsDecide;

  SegmentRule(
      SegmentDefinition definition,
      CelRuntime.Program program,
      long reads,
      List<TimeThreshold> thresholds,
      List<RuleGuard> guards,
      boolean guardsDecide) {
    this.definition = definition;
    this.program = program;
    this.reads = reads;
    this.thresholds = List.copyOf(thresholds);
    this.guards = guards.toArray(RuleGuard[]::new);
    this.guardsDecide = guardsDecide;
  }

  /** Necessary conditions that are cheaper to test than the rule (none when it has none). */
  public List<RuleGuard> guards() {
    return List.of(guards);
  }

  /**
   * Whether the condition is exactly the conjunction of the guards, so that {@link #guardsHold} is
   * the rule's outcome and CEL need not run.
   */
  public boolean guardsDecide() {
    return guardsDecide;
  }

  /** Whether every guard holds on the fields of the profile view: if not, the rule cannot match. */
  public boolean guardsHold(FieldValues visitor) {
    for (RuleGuard guard : guards) {
      if (!guard.holds(visitor)) {
        return false;
      }
    }
    return true;
  }

  /** The condition's text, as defined. */
  public String condition() {
    return definition.getCondition();
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
