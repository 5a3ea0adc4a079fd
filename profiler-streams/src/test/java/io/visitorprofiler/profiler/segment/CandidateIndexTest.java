package io.visitorprofiler.profiler.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.profile.ProfileView;
import io.visitorprofiler.profiler.rules.FieldMask;
import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.ProfileField;
import io.visitorprofiler.profiler.rules.RuleCompileException;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CandidateIndexTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final String[] CITIES = {"Miami", "Boston", "Paris"};
  private static final String[] PATHS = {"/", "/yoga", "/cups", "/checkout"};
  private static final String[] SKUS = {"CUPS-6", "MAT-1", "PANTS-2"};
  private static final String[] DOMAINS = {"facebook.com", "google.com", ""};

  private final SegmentRuleCompiler compiler = new SegmentRuleCompiler();

  @Test
  void aRuleIsACandidateOnlyWhereItsMostSelectiveEqualityHolds() throws Exception {
    List<SegmentRule> rules =
        rules(
            "visitor.source.referrerDomain == 'facebook.com' && visitor.geo.city == 'Miami'",
            "visitor.source.referrerDomain == 'facebook.com' && visitor.geo.city == 'Boston'",
            "'CUPS-6' in visitor.cart.skus && visitor.cart.value < 50.0",
            "visitor.visits >= 2",
            "visitor.geo.city == 'Miami' || visitor.geo.city == 'Boston'");
    CandidateIndex index = CandidateIndex.of(rules);

    // Filed under their cities (one rule each), not under facebook.com (two rules); the last two
    // have no equality conjunct and are always visited.
    assertThat(index.unfiledCount()).isEqualTo(2);
    assertThat(index.candidates(visitor(Map.of("geo.city", "Miami")), FieldMask.ALL))
        .isEqualTo(bits(0, 3, 4));
    assertThat(index.candidates(visitor(Map.of("geo.city", "Boston")), FieldMask.ALL))
        .isEqualTo(bits(1, 3, 4));
    assertThat(index.candidates(visitor(Map.of("geo.city", "Paris")), FieldMask.ALL))
        .isEqualTo(bits(3, 4));
    assertThat(
            index.candidates(
                visitor(Map.of("geo.city", "Paris", "cart.skus", List.of("MAT-1", "CUPS-6"))),
                FieldMask.ALL))
        .isEqualTo(bits(2, 3, 4));
  }

  @Test
  void aRuleWithoutAnEqualityIsFiledUnderItsStartsWithEndsWithOrContains() throws Exception {
    List<SegmentRule> rules =
        rules(
            "visitor.visit.landingUrl.endsWith('/yoga') && visitor.visit.pageViews >= 2",
            "visitor.visit.landingUrl.endsWith('/cups') && visitor.visit.pageViews >= 2",
            "visitor.visit.currentUrl.startsWith('https://shop.example/checkout')",
            "visitor.visit.currentUrl.contains('sale')",
            "visitor.geo.city == 'Miami' && visitor.visit.currentUrl.contains('sale')",
            "visitor.visit.landingUrl.endsWith('/yoga') && visitor.visit.currentUrl.contains('gift')");
    CandidateIndex index = CandidateIndex.of(rules);

    // The city rule is filed under Miami (a look-up), the last under the rarer of its patterns.
    assertThat(index.unfiledCount()).isZero();
    FieldValues yogaAtCheckout =
        visitor(
            Map.of(
                "geo.city", "Boston",
                "visit.landingUrl", "https://shop.example/yoga",
                "visit.currentUrl", "https://shop.example/checkout/sale"));
    assertThat(index.candidates(yogaAtCheckout, FieldMask.ALL)).isEqualTo(bits(0, 2, 3));
    FieldValues cupsInMiami =
        visitor(
            Map.of(
                "geo.city", "Miami",
                "visit.landingUrl", "https://shop.example/cups",
                "visit.currentUrl", "https://shop.example/x"));
    assertThat(index.candidates(cupsInMiami, FieldMask.ALL)).isEqualTo(bits(1, 4));
    // Only the rules reading what changed: the page views are read by the landing-page rules.
    assertThat(index.candidates(yogaAtCheckout, FieldMask.of(ProfileField.VISIT_PAGE_VIEWS)))
        .isEqualTo(bits(0));
    assertThat(index.candidates(visitor(Map.of()), FieldMask.ALL).isEmpty()).isTrue();
  }

  @Test
  void aFiledRuleIsVisitedOnlyWhenAFieldItReadsChanged() throws Exception {
    List<SegmentRule> rules =
        rules(
            "visitor.geo.city == 'Miami' && visitor.visits >= 2",
            "visitor.visit.currentPath == '/checkout' && visitor.visit.secondsOnPage >= 300");
    CandidateIndex index = CandidateIndex.of(rules);
    FieldValues visitor = visitor(Map.of("geo.city", "Miami", "visit.currentPath", "/checkout"));

    assertThat(index.candidates(visitor, FieldMask.of(ProfileField.PAGE_VIEWS)).isEmpty()).isTrue();
    assertThat(index.candidates(visitor, FieldMask.of(ProfileField.VISITS))).isEqualTo(bits(0));
    assertThat(index.candidates(visitor, FieldMask.TIME_DEPENDENT)).isEqualTo(bits(1));
    assertThat(index.candidates(visitor, FieldMask.ALL)).isEqualTo(bits(0, 1));
  }

  @Test
  void aSiteWithoutRulesHasNoCandidates() {
    assertThat(CandidateIndex.EMPTY.candidates(visitor(Map.of()), FieldMask.ALL).isEmpty())
        .isTrue();
  }

  /**
   * The index's promise, on many random visitors: every rule that matches is a candidate (what the
   * evaluator skips would not have matched), and most rules are left out.
   */
  @Test
  void everyMatchingRuleIsACandidate() throws Exception {
    List<String> conditions = new ArrayList<>();
    for (String city : CITIES) {
      for (String path : PATHS) {
        conditions.add(
            "visitor.geo.city == '" + city + "' && visitor.visit.currentPath == '" + path + "'");
        conditions.add(
            "visitor.visit.currentPath == '"
                + path
                + "' && visitor.visit.secondsOnSite >= 60 && visitor.geo.city != '"
                + city
                + "'");
      }
      for (String domain : DOMAINS) {
        conditions.add(
            "visitor.source.referrerDomain == '"
                + domain
                + "' && visitor.geo.city == '"
                + city
                + "' && visitor.visits >= 2");
      }
    }
    for (String sku : SKUS) {
      conditions.add("'" + sku + "' in visitor.cart.skus");
      conditions.add("'" + sku + "' in visitor.cart.skus && visitor.cart.idleSeconds >= 300");
      conditions.add("visitor.cart.itemCount > 1 && '" + sku + "' in visitor.cart.skus");
    }
    conditions.add("visitor.visits >= 2");
    conditions.add("visitor.geo.city == 'Miami' || visitor.visit.currentPath == '/yoga'");
    conditions.add("!(visitor.geo.city == 'Miami')");
    conditions.add("visitor.visit.currentUrl.endsWith('/cups') && visitor.pageViews > 1");
    for (String path : PATHS) {
      conditions.add(
          "visitor.visit.landingUrl.endsWith('" + path + "') && visitor.visit.pageViews >= 2");
      conditions.add("visitor.visit.currentUrl.startsWith('https://shop.example" + path + "')");
      conditions.add(
          "visitor.visit.landingUrl.contains('" + path.substring(1) + "') && visitor.visits >= 2");
      conditions.add(
          "visitor.visit.landingUrl.startsWith('https://shop.example"
              + path
              + "') || visitor.visit.landingUrl.endsWith('"
              + path
              + "')");
    }
    List<SegmentRule> rules = rules(conditions.toArray(String[]::new));
    CandidateIndex index = CandidateIndex.of(rules);

    Random random = new Random(7);
    int matches = 0;
    long visited = 0;
    for (int n = 0; n < 2_000; n++) {
      FieldValues visitor = visitor(randomFields(random));
      BitSet candidates = index.candidates(visitor, FieldMask.ALL);
      visited += candidates.cardinality();
      for (int i = 0; i < rules.size(); i++) {
        if (matches(rules.get(i), visitor)) {
          matches++;
          assertThat(candidates.get(i))
              .as("%s on %s", rules.get(i).definition().getCondition(), visitor.view())
              .isTrue();
        }
      }
    }
    assertThat(matches).isGreaterThan(2_000);
    assertThat(visited / 2_000.0).isLessThan(rules.size() / 2.0);
  }

  private static boolean matches(SegmentRule rule, FieldValues visitor) {
    try {
      return rule.matches(visitor.view());
    } catch (Exception e) {
      return false; // as the evaluator counts a rule's run-time error: no match
    }
  }

  private static Map<String, Object> randomFields(Random random) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("geo.city", pick(random, CITIES));
    fields.put("visit.currentPath", pick(random, PATHS));
    fields.put("visit.currentUrl", "https://shop.example" + pick(random, PATHS));
    fields.put("visit.landingUrl", "https://shop.example" + pick(random, PATHS));
    fields.put("visit.pageViews", (long) random.nextInt(4));
    fields.put("source.referrerDomain", pick(random, DOMAINS));
    fields.put("visits", (long) random.nextInt(4));
    fields.put("pageViews", (long) random.nextInt(4));
    fields.put("visit.secondsOnSite", (long) random.nextInt(120));
    List<String> skus = new ArrayList<>();
    for (String sku : SKUS) {
      if (random.nextInt(3) == 0) {
        skus.add(sku);
      }
    }
    fields.put("cart.skus", skus);
    fields.put("cart.itemCount", (long) skus.size());
    fields.put("cart.idleSeconds", (long) random.nextInt(600));
    return fields;
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  /** A new visitor's view with some fields set, by their paths ({@code geo.city}). */
  @SuppressWarnings("unchecked")
  private static FieldValues visitor(Map<String, Object> fields) {
    Map<String, Object> view =
        ProfileView.of(
            ProfileUpdater.newProfile("v1", "demo", T0),
            T0.toEpochMilli(),
            ProfileSettings.DEFAULTS);
    fields.forEach(
        (path, value) -> {
          int dot = path.indexOf('.');
          if (dot < 0) {
            view.put(path, value);
          } else {
            ((Map<String, Object>) view.get(path.substring(0, dot)))
                .put(path.substring(dot + 1), value);
          }
        });
    return FieldValues.of(view);
  }

  private static BitSet bits(int... positions) {
    BitSet bits = new BitSet();
    for (int position : positions) {
      bits.set(position);
    }
    return bits;
  }

  private List<SegmentRule> rules(String... conditions) throws RuleCompileException {
    List<SegmentRule> rules = new ArrayList<>();
    for (int i = 0; i < conditions.length; i++) {
      rules.add(
          compiler.compile(
              SegmentDefinition.newBuilder()
                  .setSegmentId(String.format("s%03d", i))
                  .setSiteId("demo")
                  .setName("s" + i)
                  .setLabel("s" + i)
                  .setColor("#000000")
                  .setPriority(1)
                  .setCondition(conditions[i])
                  .setVersion(1)
                  .setUpdatedAt(T0)
                  .build()));
    }
    return rules;
  }
}
