package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a site's rules have the same condition text, so that an evaluation decides each such
 * condition once. A segment carries its own notification and invitation settings, so one audience
 * may be defined twice, once to alert agents and once to invite the visitor to chat. A condition
 * depends on nothing but its text and the profile, so its outcome on one profile at one moment is
 * the same for every rule that has it. Conditions that differ only in spacing are not grouped.
 */
public final class SharedConditions {
  static final SharedConditions NONE = new SharedConditions(new int[0], 0);

  private final int[] groupOf; // by position: the group of rules with the same text, or -1
  private final int groups;

  private SharedConditions(int[] groupOf, int groups) {
    this.groupOf = groupOf;
    this.groups = groups;
  }

  /** Groups rules given in evaluation order (a rule's position is its index in the list). */
  static SharedConditions of(List<SegmentRule> rules) {
    Map<String, List<Integer>> byText = new LinkedHashMap<>();
    for (int position = 0; position < rules.size(); position++) {
      byText.computeIfAbsent(rules.get(position).condition(), c -> new ArrayList<>()).add(position);
    }
    int[] groupOf = new int[rules.size()];
    Arrays.fill(groupOf, -1);
    int groups = 0;
    for (List<Integer> positions : byText.values()) {
      if (positions.size() > 1) {
        for (int position : positions) {
          groupOf[position] = groups;
        }
        groups++;
      }
    }
    return groups == 0 ? NONE : new SharedConditions(groupOf, groups);
  }

  /** How many conditions are shared by two rules or more (what an evaluation remembers). */
  int groups() {
    return groups;
  }

  /** The group of the rule at {@code position}, or -1 when no other rule has its condition. */
  int groupOf(int position) {
    return groupOf[position];
  }
}
