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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one site filed under one guard each, so that an evaluation visits only the rules a
 * visitor can match instead of every rule of the site.
 *
 * <p>A rule whose condition has a top-level conjunct {@code field == 'literal'} (or {@code
 * 'literal' in visitor.cart.skus}) cannot match a visitor whose field holds another value: in CEL
 * {@code false && x} is false. Such a rule is filed under its literal, and only the rules filed
 * under the visitor's current values are candidates, beside the rules without such a guard. Of a
 * rule's equality guards the one with the fewest rules under the same literal is used (a segment
 * per city and referrer {@code facebook.com} is filed under its city). Publish/subscribe matchers
 * index subscriptions by their equality predicates the same way; this is that idea's first step.
 *
 * <p>A rule without such a conjunct is filed under a {@code startsWith}, {@code endsWith} or {@code
 * contains} conjunct if it has one ({@code visitor.visit.landingUrl.endsWith('/yoga')}): each
 * distinct literal of a field and test is tried once against the visitor's value, and the rules
 * filed under the literals that hold are candidates. Equality is preferred, a look-up instead of a
 * test per literal.
 *
 * <p>Guards on time-dependent fields are never used: a candidate set holds for the moment it is
 * computed and until a non-time field changes, which needs an event.
 */
public final class CandidateIndex {
  static final CandidateIndex EMPTY = new CandidateIndex(0, new BitSet(), new Filing[0]);

  /** Rules filed under the literals of one field's guards. */
  private sealed interface Filing permits FieldIndex, PatternIndex {
    ProfileField field();

    /** The fields the rules filed here read, between them. */
    long reads();

    /** Marks the rules filed under the literals that hold for the field's value. */
    void mark(Object value, BitSet candidates);
  }

  /**
   * The positions filed under each literal of one field, and the fields those rules read between
   * them: when none of these changed, none of the rules can have changed its outcome. A list field
   * (the cart's SKUs) is looked up element by element.
   */
  private record FieldIndex(
      ProfileField field, boolean list, Map<Object, int[]> positions, long reads)
      implements Filing {
    @Override
    public void mark(Object value, BitSet candidates) {
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

  /**
   * The positions filed under each {@code startsWith}, {@code endsWith} or {@code contains} guard
   * of one string field: every guard is tested once, and the rules filed under those that hold are
   * candidates.
   */
  private record PatternIndex(ProfileField field, RuleGuard[] guards, int[][] positions, long reads)
      implements Filing {
    @Override
    public void mark(Object value, BitSet candidates) {
      for (int i = 0; i < guards.length; i++) {
        if (guards[i].holdsOn(value)) {
          for (int position : positions[i]) {
            candidates.set(position);
          }
        }
      }
    }
  }

  private final int size;
  private final BitSet unfiled;
  private final Filing[] fields; // an array: walked on every evaluation

  private CandidateIndex(int size, BitSet unfiled, Filing[] fields) {
    this.size = size;
    this.unfiled = unfiled;
    this.fields = fields;
  }

  /** Files the rules of one site, given in evaluation order (a rule's position is its index). */
  static CandidateIndex of(List<SegmentRule> rules) {
    Map<RuleGuard, Integer> rulesPerLiteral = new HashMap<>();
    for (SegmentRule rule : rules) {
      for (RuleGuard guard : rule.guards()) {
        if (fileable(guard) || patternFileable(guard)) {
          rulesPerLiteral.merge(key(guard), 1, Integer::sum);
        }
      }
    }
    BitSet unfiled = new BitSet(rules.size());
    Map<ProfileField, Map<Object, List<Integer>>> filed = new EnumMap<>(ProfileField.class);
    Map<ProfileField, Long> reads = new EnumMap<>(ProfileField.class);
    Map<ProfileField, Map<RuleGuard, List<Integer>>> patterns = new EnumMap<>(ProfileField.class);
    Map<ProfileField, Long> patternReads = new EnumMap<>(ProfileField.class);
    for (int position = 0; position < rules.size(); position++) {
      SegmentRule rule = rules.get(position);
      RuleGuard equality = fewestRules(rule, rulesPerLiteral, true);
      RuleGuard pattern = equality == null ? fewestRules(rule, rulesPerLiteral, false) : null;
      if (equality != null) {
        filed
            .computeIfAbsent(equality.field(), f -> new HashMap<>())
            .computeIfAbsent(equality.literal(), l -> new ArrayList<>())
            .add(position);
        reads.merge(equality.field(), rule.reads(), (a, b) -> a | b);
      } else if (pattern != null) {
        patterns
            .computeIfAbsent(pattern.field(), f -> new LinkedHashMap<>())
            .computeIfAbsent(pattern, g -> new ArrayList<>())
            .add(position);
        patternReads.merge(pattern.field(), rule.reads(), (a, b) -> a | b);
      } else {
        unfiled.set(position);
      }
    }
    List<Filing> fields = new ArrayList<>();
    filed.forEach(
        (field, byLiteral) -> {
          Map<Object, int[]> positions = new HashMap<>();
          byLiteral.forEach((literal, list) -> positions.put(literal, toArray(list)));
          fields.add(
              new FieldIndex(field, field.type() instanceof ListType, positions, reads.get(field)));
        });
    patterns.forEach(
        (field, byGuard) ->
            fields.add(
                new PatternIndex(
                    field,
                    byGuard.keySet().toArray(RuleGuard[]::new),
                    byGuard.values().stream().map(CandidateIndex::toArray).toArray(int[][]::new),
                    patternReads.get(field))));
    return new CandidateIndex(rules.size(), unfiled, fields.toArray(Filing[]::new));
  }

  /**
   * Of the rule's equality (or pattern) guards, the one with the fewest rules under its literal.
   */
  private static RuleGuard fewestRules(
      SegmentRule rule, Map<RuleGuard, Integer> rulesPerLiteral, boolean equality) {
    RuleGuard best = null;
    for (RuleGuard guard : rule.guards()) {
      if ((equality ? fileable(guard) : patternFileable(guard))
          && (best == null || rulesPerLiteral.get(key(guard)) < rulesPerLiteral.get(key(best)))) {
        best = guard;
      }
    }
    return best;
  }

  private static int[] toArray(List<Integer> positions) {
    return positions.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The positions of the rules that can match the visitor now and read a field of {@code changed}:
   * every filed rule outside the set either has a guard that does not hold, so it does not match,
   * or reads nothing that changed. Unfiled rules are always in the set.
   *
   * @param changed the {@link io.visitorprofiler.profiler.rules.FieldMask} of the fields that
   *     changed ({@code FieldMask.ALL} for every candidate)
   */
  BitSet candidates(FieldValues visitor, long changed) {
    BitSet candidates = new BitSet(size);
    candidates.or(unfiled);
    for (Filing index : fields) {
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

  private static boolean patternFileable(RuleGuard guard) {
    return (guard.test() == RuleGuard.Test.STARTS_WITH
            || guard.test() == RuleGuard.Test.ENDS_WITH
            || guard.test() == RuleGuard.Test.CONTAINS)
        && guard.literal() instanceof String
        && !guard.field().timeDependent();
  }

  /**
   * The guard with an equality test made uniform, so that a field's literal is counted once; a
   * pattern guard is its own key.
   */
  private static RuleGuard key(RuleGuard guard) {
    return fileable(guard)
        ? new RuleGuard(guard.field(), RuleGuard.Test.EQUALS, guard.literal())
        : guard;
  }
}
