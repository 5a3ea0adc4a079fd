package io.visitorprofiler.profiler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the benchmark's rule mix: its figures compare across sessions only while it holds. */
class RuleSetGeneratorTest {
  private static final Instant SAVED = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void setsUpTo122RulesAreDistinctAndLargerOnesRepeatConditions() {
    assertThat(distinct(10)).isEqualTo(10);
    assertThat(distinct(100)).isEqualTo(100);
    assertThat(distinct(122)).isEqualTo(122);
    assertThat(distinct(123)).isEqualTo(122);
    assertThat(distinct(1000)).isEqualTo(501);
  }

  @Test
  void everyRuleCompiles() throws Exception {
    SegmentRuleCompiler compiler = new SegmentRuleCompiler();
    for (SegmentDefinition d : RuleSetGenerator.rules(1000, SAVED)) {
      assertThat(compiler.compile(d).segmentId()).isEqualTo(d.getSegmentId());
    }
  }

  private static long distinct(int count) {
    List<SegmentDefinition> rules = RuleSetGenerator.rules(count, SAVED);
    assertThat(rules).hasSize(count);
    return rules.stream().map(SegmentDefinition::getCondition).distinct().count();
  }
}
