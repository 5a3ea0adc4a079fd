package io.visitorprofiler.profiler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the benchmark's rule mixes: their figures compare across sessions only while they hold. */
class RuleSetGeneratorTest {
  private static final Instant SAVED = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void onTheCatalogueEveryRuleOfAThousandHasItsOwnCondition() {
    assertThat(distinct(Shop.CATALOGUE, 10)).isEqualTo(10);
    assertThat(distinct(Shop.CATALOGUE, 100)).isEqualTo(100);
    assertThat(distinct(Shop.CATALOGUE, 1000)).isEqualTo(1000);
  }

  @Test
  void onTheSmallShopSetsUpTo122RulesAreDistinctAndLargerOnesRepeatConditions() {
    assertThat(distinct(Shop.SMALL, 10)).isEqualTo(10);
    assertThat(distinct(Shop.SMALL, 100)).isEqualTo(100);
    assertThat(distinct(Shop.SMALL, 122)).isEqualTo(122);
    assertThat(distinct(Shop.SMALL, 123)).isEqualTo(122);
    assertThat(distinct(Shop.SMALL, 1000)).isEqualTo(501);
  }

  @Test
  void smallSetsAreTheSameOnBothShops() {
    assertThat(conditions(Shop.CATALOGUE, 10)).isEqualTo(conditions(Shop.SMALL, 10));
  }

  @Test
  void everyRuleCompiles() throws Exception {
    SegmentRuleCompiler compiler = new SegmentRuleCompiler();
    for (Shop shop : List.of(Shop.CATALOGUE, Shop.SMALL)) {
      for (SegmentDefinition d : RuleSetGenerator.rules(shop, 1000, SAVED)) {
        assertThat(compiler.compile(d).segmentId()).isEqualTo(d.getSegmentId());
      }
    }
  }

  @Test
  void aMixIsNamedOnTheCommandLine() {
    assertThat(Shop.named("Catalogue")).isSameAs(Shop.CATALOGUE);
    assertThat(Shop.named("small")).isSameAs(Shop.SMALL);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Shop.named("big"))
        .hasMessage("--mix is catalogue or small, not big");
  }

  private static long distinct(Shop shop, int count) {
    return conditions(shop, count).stream().distinct().count();
  }

  private static List<String> conditions(Shop shop, int count) {
    List<SegmentDefinition> rules = RuleSetGenerator.rules(shop, count, SAVED);
    assertThat(rules).hasSize(count);
    return rules.stream().map(SegmentDefinition::getCondition).toList();
  }
}
