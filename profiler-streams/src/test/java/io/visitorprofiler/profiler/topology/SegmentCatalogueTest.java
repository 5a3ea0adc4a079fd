package io.visitorprofiler.profiler.topology;

import static io.visitorprofiler.profiler.topology.Events.at;
import static io.visitorprofiler.profiler.topology.Events.cart;
import static io.visitorprofiler.profiler.topology.Events.heartbeat;
import static io.visitorprofiler.profiler.topology.Events.pageView;
import static io.visitorprofiler.profiler.topology.Events.segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of DESIGN's segment catalogue, each asserting the exact ENTERED/EXITED
 * sequence, including changes driven by time alone.
 */
class SegmentCatalogueTest {
  private final ProfilerDriver driver = new ProfilerDriver();

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void aRepeatVisitorEntersOnTheSecondVisitOnly() {
    driver.define(segment("repeat", 10, "visitor.visits >= 2"));

    driver.send(pageView("v1", at(0, 0), "/"));
    driver.send(pageView("v1", at(10, 0), "/shoes"));
    assertThat(driver.transitions()).isEmpty();

    driver.send(pageView("v1", at(45, 0), "/")); // 35 minutes later: a new visit
    assertThat(driver.transitions()).containsExactly("v1 repeat ENTERED");
    assertThat(driver.profile("v1").getVisits()).isEqualTo(2);
  }

  @Test
  void visitorsFromMiamiAndOnlyThem() {
    driver.define(segment("miami", 20, "visitor.geo.city == 'Miami'"));

    driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
    driver.send(pageView("v2", at(0, 5), "/", "Boston", null));
    driver.send(pageView("v1", at(0, 30), "/cruises", "Miami", null));

    assertThat(driver.transitions()).containsExactly("v1 miami ENTERED");
  }

  @Test
  void facebookAndGoogleReferrersLandInTheirOwnSegments() {
    driver.define(segment("from-facebook", 20, "visitor.source.referrerDomain == 'facebook.com'"));
    driver.define(
        segment(
            "from-google",
            20,
            "visitor.source.searchEngine == 'google' && visitor.source.searchKeywords.contains('yoga')"));

    driver.send(
        pageView(
            "v1",
            at(0, 0),
            "/",
            "Boston",
            Events.referrer("facebook.com", ReferrerClass.SOCIAL, null, null)));
    driver.send(
        pageView(
            "v2",
            at(0, 0),
            "/",
            "Boston",
            // As the gateway names the engine ("Google"); conditions use lower case, as for
            // classes.
            Events.referrer("google.com", ReferrerClass.SEARCH, "Google", "yoga pants")));

    assertThat(driver.transitions())
        .containsExactly("v1 from-facebook ENTERED", "v2 from-google ENTERED");
  }

  @Test
  void aPostChatAnswerReadAsAFieldEntersTheSegmentWhenItIsGiven() {
    driver.define(
        segment("not-found", 60, "visitor.postChat.found_what_you_were_looking_for == 'no'"));

    driver.send(pageView("v1", at(0, 0), "/"));
    driver.send(Events.chatRequested("v1", at(1, 0)));
    assertThat(driver.transitions()).isEmpty(); // a missing key: a run-time error, no match

    driver.send(Events.postChat("v1", at(9, 30), Map.of("found_what_you_were_looking_for", "no")));
    assertThat(driver.transitions()).containsExactly("v1 not-found ENTERED");
  }

  @Test
  void aPostChatAnswerOfNoEntersTheNotFoundSegment() {
    driver.define(
        segment(
            "not-found",
            60,
            "'found_what_you_were_looking_for' in visitor.postChat"
                + " && visitor.postChat['found_what_you_were_looking_for'] == 'no'"));

    driver.send(pageView("v1", at(0, 0), "/"));
    driver.send(Events.chatRequested("v1", at(1, 0)));
    driver.send(Events.postChat("v1", at(9, 0), Map.of("found_what_you_were_looking_for", "yes")));
    assertThat(driver.transitions()).isEmpty();

    driver.send(Events.postChat("v1", at(9, 30), Map.of("found_what_you_were_looking_for", "no")));
    assertThat(driver.transitions()).containsExactly("v1 not-found ENTERED");
  }

  @Test
  void aVisitorInManySegmentsShowsOnlyTheTopThreeByPriorityTiesByid() {
    driver.define(segment("a-low", 10, "visitor.visits >= 1"));
    driver.define(segment("b-high", 50, "visitor.visits >= 1"));
    driver.define(segment("c-high", 50, "visitor.visits >= 1"));
    driver.define(segment("d-mid", 30, "visitor.visits >= 1"));
    driver.define(segment("e-lowest", 5, "visitor.visits >= 1"));

    driver.send(pageView("v1", at(0, 0), "/"));

    List<SegmentChange> changes = driver.changeRecords();
    assertThat(changes)
        .extracting(SegmentChange::getSegmentId)
        .containsExactly("a-low", "b-high", "c-high", "d-mid", "e-lowest");
    assertThat(changes)
        .allSatisfy(
            c ->
                assertThat(c.getTopSegments())
                    .extracting(SegmentBadge::getSegmentId)
                    .containsExactly("b-high", "c-high", "d-mid"));
    assertThat(driver.profile("v1").getMemberships()).hasSize(5);
  }

  @Test
  void theHesitantShopperEntersAfterFiveMinutesOnCheckoutAndExitsWhenGoneWithoutAnyEvent() {
    driver.define(
        segment(
            "hesitant",
            70,
            "visitor.online && visitor.visit.currentPath == '/checkout'"
                + " && visitor.cart.itemCount > 0 && visitor.visit.secondsOnPage >= 300"));

    driver.send(pageView("v1", at(0, 0), "/checkout"));
    driver.send(cart("v1", at(0, 10), 42.0, "YOGA-1"));
    for (int minute = 1; minute <= 4; minute++) {
      driver.send(heartbeat("v1", at(minute, 30)));
    }
    assertThat(driver.transitions()).isEmpty();

    driver.clockTo(at(5, 0)); // no event: the timer alone
    List<SegmentChange> entered = driver.changeRecords();
    assertThat(entered).extracting(c -> c.getTransition().name()).containsExactly("ENTERED");
    assertThat(entered.getFirst().getCause()).isEqualTo(ChangeCause.TIMER);
    assertThat(entered.getFirst().getCauseEventTime()).isEqualTo(at(5, 0));

    driver.clockTo(at(6, 31)); // last heartbeat 4:30 + two minutes: offline
    List<SegmentChange> exited = driver.changeRecords();
    assertThat(exited).extracting(c -> c.getTransition().name()).containsExactly("EXITED");
    assertThat(exited.getFirst().getCauseEventTime()).isEqualTo(at(6, 30));
  }

  @Test
  void upsellRulesFollowTheCartValueAndItsSkus() {
    driver.define(
        segment("small-cart", 40, "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0"));
    driver.define(segment("cups-in-cart", 45, "'CUPS-6' in visitor.cart.skus"));

    driver.send(pageView("v1", at(0, 0), "/cups"));
    driver.send(cart("v1", at(0, 10), 24.0, "CUPS-6"));
    assertThat(driver.transitions())
        .containsExactly("v1 cups-in-cart ENTERED", "v1 small-cart ENTERED");

    driver.send(cart("v1", at(0, 20), 30.0, "CUPS-6")); // still both: nothing to say
    assertThat(driver.transitions()).isEmpty();

    driver.send(cart("v1", at(0, 30), 60.0, "CUPS-6", "PLATES-4"));
    assertThat(driver.transitions()).containsExactly("v1 small-cart EXITED");

    driver.send(Events.purchase("v1", at(1, 0), 60.0));
    assertThat(driver.transitions()).containsExactly("v1 cups-in-cart EXITED");
  }

  @Test
  void anIdleCartIsAbandonedAfterFifteenMinutesAndForgottenAfterAnHourByTimeAlone() {
    driver.define(
        segment(
            "abandoned-cart",
            80,
            "visitor.cart.itemCount > 0 && visitor.cart.idleSeconds >= 900"
                + " && visitor.cart.idleSeconds < 3600"));

    driver.send(pageView("v1", at(0, 0), "/cart"));
    driver.send(cart("v1", at(0, 5), 35.0, "CUPS-6"));
    driver.clockTo(at(15, 4));
    assertThat(driver.transitions()).isEmpty();

    driver.clockTo(at(15, 5));
    List<SegmentChange> entered = driver.changeRecords();
    assertThat(entered)
        .extracting(c -> c.getVisitorId() + " " + c.getTransition())
        .containsExactly("v1 ENTERED");
    assertThat(entered.getFirst().getCauseEventTime()).isEqualTo(at(15, 5));
    assertThat(entered.getFirst().getSnapshot().getCartValue()).isEqualTo(35.0);

    driver.clockTo(at(60, 5));
    assertThat(driver.transitions()).containsExactly("v1 abandoned-cart EXITED");
  }
}
