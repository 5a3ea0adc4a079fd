package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a site's rules have the same condition, so that an evaluation decides each distinct
 * condition once. Segments often share a condition: a segment carries its own notification and
 * invitation settings, so "VIP on the checkout page" may exist once to alert agents and once to
 * invite the visitor to chat. A condition depends on nothing but its text and the profile, so its
 * outcome on one profile at one moment is the same for every rule that has it.
 */
public final class SharedConditions {
  static final SharedConditions NONE = new SharedConditions(new int[0], false);

  private final int[] first; // by position: the first position whose rule has the same condition
  private final boolean any;

  private SharedConditions(int[] first, boolean any) {
    this.first = first;
    this.any = any;
  }

  /** Groups rules given in evaluation order (a rule's position is its index in the list). */
  static SharedConditions of(List<SegmentRule> rules) {
    Map<String, Integer> firstWith = new HashMap<>();
    int[] first = new int[rules.size()];
    boolean any = false;
    for (int position = 0; position < rules.size(); position++) {
      Integer earlier = firstWith.putIfAbsent(rules.get(position).condition(), position);
      first[position] = earlier == null ? position : earlier;
      any |= earlier != null;
    }
    return any ? new SharedConditions(first, true) : NONE;
  }

  /** Whether any two rules share a condition (if not, there is nothing to remember). */
  boolean any() {
    return any;
  }

  /** The first position whose rule has the same condition as the rule at {@code position}. */
  int firstWithSameCondition(int position) {
    return first[position];
  }
}
