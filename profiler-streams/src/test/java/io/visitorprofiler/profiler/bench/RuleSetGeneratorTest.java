package io.visitorprofiler.profiler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the benchmark's rule mixes: their figures compare across sessions only while they hold. */
class RuleSetGeneratorTest {
  private static final Instant SAVED = Instant.parse("2026-11-23T10:00:00Z");
  private static final String SMALL_RULES_AT_350BD34 =
      "bf683ed28fc26bc3b4474846c41fd773ec50ba01314290c9d1f854d051b4c826";
  private static final String SMALL_VISITORS_AT_350BD34 =
      "0d62b5e175c7deef73c51477cc3cb7d66012821c4db8c8ae01d01f960b4b66f9";

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

  /**
   * The small shop's rules and visitors as sessions 4 to 21 measured them: the digests were taken
   * of the generators at 350bd34, before the shops, so that old figures stay comparable.
   */
  @Test
  void theSmallShopIsTheMixOfSessions4To21() throws Exception {
    assertThat(sha256(String.join("\n", conditions(Shop.SMALL, 1000))))
        .isEqualTo(SMALL_RULES_AT_350BD34);
    StringBuilder events = new StringBuilder();
    new VisitorGenerator(Shop.SMALL, 42, SAVED)
        .inTimeOrder(0, 1000, 2000, e -> events.append(e).append('\n'));
    assertThat(sha256(events.toString())).isEqualTo(SMALL_VISITORS_AT_350BD34);
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

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
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
