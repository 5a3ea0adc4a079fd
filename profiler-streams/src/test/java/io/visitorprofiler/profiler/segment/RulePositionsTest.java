package io.visitorprofiler.profiler.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.RuleCompileException;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulePositionsTest {
  private final SegmentRuleCompiler compiler = new SegmentRuleCompiler();

  @Test
  void everyRuleIsFoundAtItsPositionAndNoOtherIdIs() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add("bench-1000-" + i);
    }
    RulePositions positions = RulePositions.of(rules(ids));

    for (int i = 0; i < ids.size(); i++) {
      // A fresh string, as read from the state store: equal, not the same instance.
      assertThat(positions.of(new String(ids.get(i).toCharArray()))).isEqualTo(i);
    }
    assertThat(positions.of("bench-1000-1000")).isEqualTo(-1);
    assertThat(positions.of("bench-100-1")).isEqualTo(-1);
    assertThat(positions.of("")).isEqualTo(-1);
  }

  @Test
  void idsWithTheSameHashAreToldApart() throws Exception {
    // "Aa" and "BB" have the same String.hashCode, and so do their concatenations.
    assertThat("AaAa".hashCode()).isEqualTo("BBBB".hashCode()).isEqualTo("AaBB".hashCode());
    RulePositions positions = RulePositions.of(rules(List.of("AaAa", "BBBB", "x")));

    assertThat(positions.of("AaAa")).isZero();
    assertThat(positions.of("BBBB")).isEqualTo(1);
    assertThat(positions.of("x")).isEqualTo(2);
    assertThat(positions.of("AaBB")).isEqualTo(-1); // same hash, no such rule
  }

  @Test
  void aSiteWithoutRulesHasNoPositions() {
    assertThat(RulePositions.EMPTY.of("anything")).isEqualTo(-1);
    assertThat(RulePositions.of(List.of()).of("")).isEqualTo(-1);
  }

  private List<SegmentRule> rules(List<String> ids) throws RuleCompileException {
    List<SegmentRule> rules = new ArrayList<>();
    for (String id : ids) {
      rules.add(
          compiler.compile(
              SegmentDefinition.newBuilder()
                  .setSegmentId(id)
                  .setSiteId("demo")
                  .setName(id)
                  .setLabel(id)
                  .setColor("#000000")
                  .setPriority(1)
                  .setCondition("visitor.visits >= 2")
                  .setVersion(1)
                  .setUpdatedAt(Instant.parse("2026-11-23T10:00:00Z"))
                  .build()));
    }
    return rules;
  }
}
