package io.visitorprofiler.profiler.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.profile.ProfileView;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentRuleCompilerTest {
  private final SegmentRuleCompiler compiler = new SegmentRuleCompiler();

  private SegmentRule compile(String condition) throws RuleCompileException {
    return compiler.compile(
        SegmentDefinition.newBuilder()
            .setSegmentId("s")
            .setSiteId("demo")
            .setName("s")
            .setLabel("s")
            .setColor("#000000")
            .setPriority(1)
            .setCondition(condition)
            .setVersion(1)
            .setUpdatedAt(Instant.EPOCH)
            .build());
  }

  @Test
  void aMisspeltFieldIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> compile("visitor.vists >= 2"))
        .isInstanceOfSatisfying(
            RuleCompileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new RuleCompileException.Problem(1, 8, "undefined field 'vists'")));
  }

  @Test
  void aWrongTypeAndANonBooleanResultAreRefused() {
    assertThatThrownBy(() -> compile("visitor.cart.value > 'fifty'"))
        .isInstanceOf(RuleCompileException.class)
        .hasMessageContaining("found no matching overload for '_>_'");
    assertThatThrownBy(() -> compile("visitor.cart.value"))
        .isInstanceOf(RuleCompileException.class);
    assertThatThrownBy(() -> compile("  "))
        .isInstanceOf(RuleCompileException.class)
        .hasMessage("the condition is empty");
    assertThatThrownBy(() -> compile("visitor.visits >="))
        .isInstanceOfSatisfying(
            RuleCompileException.class,
            e -> assertThat(e.problems().getFirst().column()).isPositive());
  }

  @Test
  void everyClassOfTheCatalogueCompiles() throws Exception {
    List<String> catalogue =
        List.of(
            "visitor.visits >= 2",
            "visitor.visit.currentUrl.contains('/checkout') && visitor.visit.landingUrl.startsWith('https://')",
            "visitor.visit.chatRequestUrl.endsWith('/pricing') || visitor.chats >= 1",
            "visitor.visit.secondsOnSite >= 900 && visitor.pageViews > 5",
            "visitor.geo.country == 'US' && visitor.geo.region == 'FL' && visitor.geo.city == 'Miami'",
            "visitor.geo.timezone == 'America/New_York' && visitor.geo.language.startsWith('en')",
            "visitor.source.referrerClass == 'social' && visitor.source.referrerDomain == 'facebook.com'",
            "visitor.source.searchEngine == 'google' && visitor.source.searchKeywords.lowerAscii().contains('yoga')",
            "visitor.source.campaign == 'black-friday' || visitor.source.utm['medium'] == 'cpc'",
            "'department' in visitor.preChat && visitor.preChat['department'] == 'sales'",
            "visitor.postChat['found_what_you_were_looking_for'] == 'no'",
            "has(visitor.offlineMessage.email) || size(visitor.offlineMessage) > 0",
            "visitor.customVariables['plan'] == 'gold'",
            "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0 && visitor.cart.currency == 'USD'",
            "visitor.cart.skus.exists(s, s.startsWith('CUPS'))",
            "visitor.purchases.count >= 3 && visitor.purchases.totalValue > 500.0",
            "visitor.identity.customerId != '' && visitor.identity.email.endsWith('@example.com')",
            "visitor.cart.itemCount > 0 && visitor.cart.idleSeconds >= 600",
            "visitor.online && visitor.visit.currentPath == '/checkout' && visitor.visit.secondsOnPage >= 300",
            "visitor.device.type == 'mobile' && visitor.device.os == 'iOS' && visitor.device.browser == 'Safari'");
    for (String condition : catalogue) {
      compile(condition);
    }
  }

  @Test
  void aRuleKnowsWhichFieldsItReads() throws Exception {
    assertThat(
            FieldMask.fields(
                compile("visitor.cart.value < 50.0 && visitor.geo.city == 'Miami'").reads()))
        .containsExactlyInAnyOrder(ProfileField.CART_VALUE, ProfileField.GEO_CITY);
    assertThat(FieldMask.fields(compile("size(visitor.cart.skus) > 0").reads()))
        .containsExactly(ProfileField.CART_SKUS);
    assertThat(FieldMask.fields(compile("has(visitor.identity.name)").reads()))
        .containsExactly(ProfileField.IDENTITY_NAME);
  }

  @Test
  void aMapKeyReadAsAFieldReadsTheMap() throws Exception {
    // CEL reads a map's key with a field selection too; the rule must run when the map changes.
    assertThat(
            FieldMask.fields(
                compile("visitor.postChat.found_what_you_were_looking_for == 'no'").reads()))
        .containsExactly(ProfileField.POST_CHAT);
    assertThat(FieldMask.fields(compile("has(visitor.customVariables.plan)").reads()))
        .containsExactly(ProfileField.CUSTOM_VARIABLES);
    assertThat(FieldMask.fields(compile("visitor.source.utm.medium == 'cpc'").reads()))
        .containsExactly(ProfileField.SOURCE_UTM);
  }

  @Test
  void timeThresholdsAreFoundOnEitherSideOfAComparison() throws Exception {
    SegmentRule rule =
        compile("visitor.visit.secondsOnSite >= 900 && 300 < visitor.cart.idleSeconds");
    assertThat(rule.timeDependent()).isTrue();
    assertThat(rule.thresholds())
        .containsExactlyInAnyOrder(
            new TimeThreshold(ProfileField.VISIT_SECONDS_ON_SITE, 900),
            new TimeThreshold(ProfileField.CART_IDLE_SECONDS, 300));
    assertThat(compile("visitor.visits >= 2").timeDependent()).isFalse();
  }

  @Test
  void guardsAreTheTopLevelConjunctsThatCompareAFieldWithALiteral() throws Exception {
    assertThat(compile("visitor.visits > 2 && visitor.geo.city == 'Miami'").guards())
        .containsExactly(
            new RuleGuard(ProfileField.GEO_CITY, RuleGuard.Test.EQUALS, "Miami"),
            new RuleGuard(ProfileField.VISITS, RuleGuard.Test.GREATER, 2L));
    assertThat(compile("'CUPS-6' in visitor.cart.skus && visitor.cart.value < 50.0").guards())
        .containsExactly(
            new RuleGuard(ProfileField.CART_SKUS, RuleGuard.Test.IN_LIST, "CUPS-6"),
            new RuleGuard(ProfileField.CART_VALUE, RuleGuard.Test.LESS, 50.0));
    assertThat(
            compile("visitor.visit.landingUrl.endsWith('/cruises') && 3 <= visitor.pageViews")
                .guards())
        .containsExactly(
            new RuleGuard(ProfileField.VISIT_LANDING_URL, RuleGuard.Test.ENDS_WITH, "/cruises"),
            new RuleGuard(ProfileField.PAGE_VIEWS, RuleGuard.Test.GREATER_OR_EQUAL, 3L));
    assertThat(
            compile("'department' in visitor.preChat && 'sales' == visitor.preChat['department']")
                .guards())
        .containsExactly(
            new RuleGuard(ProfileField.PRE_CHAT, RuleGuard.Test.HAS_KEY, "department"),
            new RuleGuard(
                ProfileField.PRE_CHAT,
                RuleGuard.Test.ENTRY_EQUALS,
                Map.entry("department", "sales")));
    assertThat(compile("visitor.geo.city == 'Miami' || visitor.visits > 2").guards()).isEmpty();
    // Not necessary conditions of the rule: no guard.
    assertThat(compile("visitor.visits != 2 && !(visitor.visits < 1)").guards()).isEmpty();
    assertThat(compile("visitor.visits == 2").guards()).isEmpty();

    // Guards decide a rule only when they are its whole condition.
    assertThat(compile("visitor.visits > 2 && visitor.geo.city == 'Miami'").guardsDecide())
        .isTrue();
    assertThat(
            compile("visitor.postChat['found'] == 'no' && visitor.geo.city == 'Miami'")
                .guardsDecide())
        .isTrue();
    assertThat(compile("visitor.geo.city == 'Miami' && visitor.online").guardsDecide()).isFalse();
    assertThat(compile("visitor.geo.city == 'Miami' || visitor.visits > 2").guardsDecide())
        .isFalse();
  }

  @Test
  void aGuardHoldsExactlyWhenItsConjunctIsTrue() throws Exception {
    VisitorProfile profile = ProfileUpdater.newProfile("v", "demo", Instant.EPOCH);
    profile.getGeo().setCity("Miami");
    profile.setVisits(3);
    profile.getVisit().setLandingUrl("https://shop.test/cruises");
    profile.getPostChat().put("found", "no");
    Map<String, Object> view = ProfileView.of(profile, 0, ProfileSettings.DEFAULTS);
    for (String conjunct :
        List.of(
            "'found' in visitor.postChat",
            "'rating' in visitor.postChat",
            "visitor.postChat['found'] == 'no'",
            "visitor.postChat['found'] == 'yes'",
            "'no' == visitor.postChat['found']",
            "visitor.geo.city == 'Miami'",
            "visitor.geo.city == 'Boston'",
            "'CUPS-6' in visitor.cart.skus",
            "visitor.visit.landingUrl.endsWith('/cruises')",
            "visitor.visit.landingUrl.startsWith('https://shop.test/')",
            "visitor.visit.landingUrl.contains('/hotels')",
            "visitor.visits >= 3",
            "visitor.visits > 3",
            "visitor.visits < 3",
            "visitor.visits <= 2",
            "visitor.cart.value >= 0.0",
            "visitor.cart.value > 0.0")) {
      SegmentRule rule = compile(conjunct);
      assertThat(rule.guards()).as(conjunct).hasSize(1);
      assertThat(rule.guardsDecide()).as(conjunct).isTrue();
      assertThat(rule.guardsHold(FieldValues.of(view))).as(conjunct).isEqualTo(rule.matches(view));
    }
  }

  @Test
  void aMissingMapKeyIsARunTimeErrorNotAMatch() throws Exception {
    VisitorProfile profile = ProfileUpdater.newProfile("v", "demo", Instant.EPOCH);
    Map<String, Object> view = ProfileView.of(profile, 0, ProfileSettings.DEFAULTS);
    SegmentRule unguarded = compile("visitor.postChat['found'] == 'no'");
    assertThatThrownBy(() -> unguarded.matches(view)).isInstanceOf(Exception.class);
    assertThat(
            compile("'found' in visitor.postChat && visitor.postChat['found'] == 'no'")
                .matches(view))
        .isFalse();
    // Its guard does not hold, and decides the rule: a non-match, as the evaluator counts an
    // error, without CEL running into it.
    assertThat(unguarded.guardsDecide()).isTrue();
    assertThat(unguarded.guardsHold(FieldValues.of(view))).isFalse();
  }
}
