package io.visitorprofiler.profiler.segment;

import dev.cel.common.types.ListType;
import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.ProfileField;
import io.visitorprofiler.profiler.rules.RuleGuard;
import io.visitorprofiler.profiler.rules.SegmentRule;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one site filed under one equality guard each, so that an evaluation visits only the
 * rules a visitor can match instead of every rule of the site.
 *
 * <p>A rule whose condition has a top-level conjunct {@code field == 'literal'} (or {@code
 * 'literal' in visitor.cart.skus}) cannot match a visitor whose field holds another value: in CEL
 * {@code false && x} is false. Such a rule is filed under its literal, and only the rules filed
 * under the visitor's current values are candidates, beside the rules without such a guard. Of a
 * rule's equality guards the one with the fewest rules under the same literal is used (a segment
 * per city and referrer {@code facebook.com} is filed under its city). Publish/subscribe matchers
 * index subscriptions by their equality predicates the same way; this is that idea's first step.
 *
 * <p>Guards on time-dependent fields are never used: a candidate set holds for the moment it is
 * computed and until a non-time field changes, which needs an event.
 */
public final class CandidateIndex {
  static final CandidateIndex EMPTY = new CandidateIndex(0, new BitSet(), new FieldIndex[0]);

  /**
   * The positions filed under each literal of one field, and the fields those rules read between
   * them: when none of these changed, none of the rules can have changed its outcome. A list field
   * (the cart's SKUs) is looked up element by element.
   */
  private record FieldIndex(
      ProfileField field, boolean list, Map<Object, int[]> positions, long reads) {
    void mark(Object value, BitSet candidates) {
      if (list) {
        if (value instanceof Collection<?> values) {
          for (Object element : values) {
            markOne(element, candidates);
          }
        }
      } else {
        markOne(value, candidates);
      }
    }

    private void markOne(Object value, BitSet candidates) {
      int[] filed = value == null ? null : positions.get(value);
      if (filed != null) {
        for (int position : filed) {
          candidates.set(position);
        }
      }
    }
  }

  private final int size;
  private final BitSet unfiled;
  private final FieldIndex[] fields; // an array: walked on every evaluation

  private CandidateIndex(int size, BitSet unfiled, FieldIndex[] fields) {
    this.size = size;
    this.unfiled = unfiled;
    this.fields = fields;
  }

  /** Files the rules of one site, given in evaluation order (a rule's position is its index). */
  static CandidateIndex of(List<SegmentRule> rules) {
    Map<RuleGuard, Integer> rulesPerLiteral = new HashMap<>();
    for (SegmentRule rule : rules) {
      for (RuleGuard guard : rule.guards()) {
        if (fileable(guard)) {
          rulesPerLiteral.merge(key(guard), 1, Integer::sum);
        }
      }
    }
    BitSet unfiled = new BitSet(rules.size());
    Map<ProfileField, Map<Object, List<Integer>>> filed = new EnumMap<>(ProfileField.class);
    Map<ProfileField, Long> reads = new EnumMap<>(ProfileField.class);
    for (int position = 0; position < rules.size(); position++) {
      RuleGuard best = null;
      for (RuleGuard guard : rules.get(position).guards()) {
        if (fileable(guard)
            && (best == null || rulesPerLiteral.get(key(guard)) < rulesPerLiteral.get(key(best)))) {
          best = guard;
        }
      }
      if (best == null) {
        unfiled.set(position);
      } else {
        filed
            .computeIfAbsent(best.field(), f -> new HashMap<>())
            .computeIfAbsent(best.literal(), l -> new ArrayList<>())
            .add(position);
        reads.merge(best.field(), rules.get(position).reads(), (a, b) -> a | b);
      }
    }
    List<FieldIndex> fields = new ArrayList<>();
    filed.forEach(
        (field, byLiteral) -> {
          Map<Object, int[]> positions = new HashMap<>();
          byLiteral.forEach(
              (literal, list) ->
                  positions.put(literal, list.stream().mapToInt(Integer::intValue).toArray()));
          fields.add(
              new FieldIndex(field, field.type() instanceof ListType, positions, reads.get(field)));
        });
    return new CandidateIndex(rules.size(), unfiled, fields.toArray(FieldIndex[]::new));
  }

  /**
   * The positions of the rules that can match the visitor now and read a field of {@code changed}:
   * every filed rule outside the set either has an equality guard that does not hold, so it does
   * not match, or reads nothing that changed. Unfiled rules are always in the set.
   *
   * @param changed the {@link io.visitorprofiler.profiler.rules.FieldMask} of the fields that
   *     changed ({@code FieldMask.ALL} for every candidate)
   */
  BitSet candidates(FieldValues visitor, long changed) {
    BitSet candidates = new BitSet(size);
    candidates.or(unfiled);
    for (FieldIndex index : fields) {
      if ((index.reads() & changed) != 0) {
        index.mark(visitor.get(index.field()), candidates);
      }
    }
    return candidates;
  }

  /** The rules not filed under any literal (always candidates). */
  int unfiledCount() {
    return unfiled.cardinality();
  }

  private static boolean fileable(RuleGuard guard) {
    return (guard.test() == RuleGuard.Test.EQUALS || guard.test() == RuleGuard.Test.IN_LIST)
        && !guard.field().timeDependent();
  }

  /** The guard with its test made uniform, so that a field's literal is counted once. */
  private static RuleGuard key(RuleGuard guard) {
    return new RuleGuard(guard.field(), RuleGuard.Test.EQUALS, guard.literal());
  }
}
