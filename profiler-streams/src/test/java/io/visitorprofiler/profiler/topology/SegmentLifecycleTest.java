package io.visitorprofiler.profiler.topology;

import static io.visitorprofiler.profiler.topology.Events.at;
import static io.visitorprofiler.profiler.topology.Events.cart;
import static io.visitorprofiler.profiler.topology.Events.heartbeat;
import static io.visitorprofiler.profiler.topology.Events.pageView;
import static io.visitorprofiler.profiler.topology.Events.segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.FieldMask;
import io.visitorprofiler.profiler.segment.SegmentEvaluator;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Consent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Definitions that change, anti-flapping, erasure, privacy and rules that fail at run time. */
class SegmentLifecycleTest {
  @Test
  void aNewDefinitionIsAppliedToOnlineVisitorsWithoutWaitingForTheirNextEvent() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v2", at(0, 0), "/", "Boston", null));

      driver.define(segment("miami", 20, "visitor.geo.city == 'Miami'"));

      List<SegmentChange> changes = driver.changeRecords();
      assertThat(changes)
          .extracting(c -> c.getVisitorId() + " " + c.getTransition())
          .containsExactly("v1 ENTERED");
      assertThat(changes.getFirst().getCause()).isEqualTo(ChangeCause.DEFINITION);
    }
  }

  @Test
  void aRuleSavedWhileAVisitorWasAwayAppliesOnTheirReturnThoughNothingItReadsChanged() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      driver.clockTo(at(5, 0)); // gone offline: a new rule is not applied to offline visitors

      SegmentDefinition miami = segment("miami", 20, "visitor.geo.city == 'Miami'");
      miami.setUpdatedAt(at(5, 0));
      driver.define(miami);
      assertThat(driver.transitions()).isEmpty();

      driver.send(pageView("v1", at(10, 0), "/", "Miami", null));
      assertThat(driver.transitions()).containsExactly("v1 miami ENTERED");
    }
  }

  @Test
  void changingOrDeletingADefinitionExitsTheVisitorsItNoLongerCovers() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("big-cart", 30, "visitor.cart.value > 20.0"));
      driver.send(pageView("v1", at(0, 0), "/"));
      driver.send(cart("v1", at(0, 1), 30.0, "A"));
      assertThat(driver.transitions()).containsExactly("v1 big-cart ENTERED");

      SegmentDefinition stricter = segment("big-cart", 30, "visitor.cart.value > 100.0");
      stricter.setVersion(2);
      driver.define(stricter);
      List<SegmentChange> exits = driver.changeRecords();
      assertThat(exits).extracting(c -> c.getTransition().name()).containsExactly("EXITED");
      assertThat(exits.getFirst().getSegmentVersion()).isEqualTo(2);

      driver.define(segment("any-cart", 10, "visitor.cart.itemCount > 0"));
      assertThat(driver.transitions()).containsExactly("v1 any-cart ENTERED");
      driver.delete("any-cart");
      List<SegmentChange> deleted = driver.changeRecords();
      assertThat(deleted)
          .extracting(c -> c.getSegmentId() + " " + c.getTransition())
          .containsExactly("any-cart EXITED");
      assertThat(deleted.getFirst().getSegmentName()).isEqualTo("any-cart");
    }
  }

  @Test
  void theMinimumDwellHoldsBackAFlappingExit() {
    try (ProfilerDriver driver = new ProfilerDriver(Map.of("VP_PROFILER_MIN_DWELL", "60s"))) {
      driver.define(
          segment("small-cart", 40, "visitor.cart.itemCount > 0 && visitor.cart.value < 50.0"));
      driver.send(cart("v1", at(0, 0), 24.0, "A"));
      driver.send(cart("v1", at(0, 10), 60.0, "A", "B"));
      driver.send(cart("v1", at(0, 20), 24.0, "A"));
      driver.send(cart("v1", at(0, 30), 60.0, "A", "B"));
      assertThat(driver.transitions()).containsExactly("v1 small-cart ENTERED");

      driver.clockTo(at(1, 1));
      List<SegmentChange> exits = driver.changeRecords();
      assertThat(exits).extracting(c -> c.getTransition().name()).containsExactly("EXITED");
      assertThat(exits.getFirst().getCauseEventTime()).isEqualTo(at(1, 0));
    }
  }

  @Test
  void anErasureExitsEverySegmentAndRemovesTheProfile() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("anyone", 10, "visitor.visits >= 1"));
      driver.send(pageView("v1", at(0, 0), "/"));
      assertThat(driver.transitions()).containsExactly("v1 anyone ENTERED");

      driver.erasures.pipeInput(
          "v1",
          ErasureRequest.newBuilder()
              .setRequestId("r-1")
              .setSiteId("demo")
              .setVisitorId("v1")
              .setRequestedAt(at(1, 0))
              .build());

      List<SegmentChange> exits = driver.changeRecords();
      assertThat(exits).extracting(c -> c.getTransition().name()).containsExactly("EXITED");
      assertThat(exits.getFirst().getCause()).isEqualTo(ChangeCause.ERASURE);
      assertThat(driver.profile("v1")).isNull();
    }
  }

  @Test
  void doNotTrackAndGlobalPrivacyControlAreNotProfiled() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("anyone", 10, "visitor.visits >= 1"));
      driver.send(
          Events.withPrivacy(
              pageView("v1", at(0, 0), "/"), Privacy.newBuilder().setDoNotTrack(true).build()));
      driver.send(
          Events.withPrivacy(
              pageView("v2", at(0, 0), "/"),
              Privacy.newBuilder().setGlobalPrivacyControl(true).build()));

      assertThat(driver.transitions()).isEmpty();
      assertThat(driver.profile("v1")).isNull();
      assertThat(driver.profile("v2")).isNull();
      assertThat(driver.counter("profiler.events.skipped", "reason", "do-not-track")).isEqualTo(2);
    }
  }

  @Test
  void withdrawingConsentExitsErasesAndStopsProfilingUntilConsentReturns() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("anyone", 10, "visitor.visits >= 1"));
      driver.send(pageView("v1", at(0, 0), "/"));
      driver.send(
          Events.click("v1", at(0, 10), Events.context(at(0, 10), null, null), new Consent(false)));
      assertThat(driver.transitions()).containsExactly("v1 anyone ENTERED", "v1 anyone EXITED");
      assertThat(driver.profile("v1").getProfilingAllowed()).isFalse();
      assertThat(driver.profile("v1").getMemberships()).isEmpty();

      driver.send(pageView("v1", at(0, 20), "/again"));
      assertThat(driver.transitions()).isEmpty();

      driver.send(
          Events.click("v1", at(0, 30), Events.context(at(0, 30), null, null), new Consent(true)));
      assertThat(driver.transitions()).containsExactly("v1 anyone ENTERED");
    }
  }

  /**
   * Topics are keyed by visitor id alone, so two sites that send the same id (server-side senders
   * with their own customer ids, say) reach the same profile: the first site's visitor keeps it,
   * and another site's events, consent and erasure requests for that id leave it alone.
   */
  @Test
  void anotherSitesEventsForAVisitorIdInUseLeaveItsProfileAlone() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("miami", 10, "visitor.geo.city == 'Miami'"));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      assertThat(driver.transitions()).containsExactly("v1 miami ENTERED");

      ClickstreamEvent elsewhere = pageView("v1", at(0, 10), "/", "Boston", null);
      elsewhere.setSiteId("other");
      driver.send(elsewhere);
      ClickstreamEvent withdrawn =
          Events.click("v1", at(0, 20), Events.context(at(0, 20), null, null), new Consent(false));
      withdrawn.setSiteId("other");
      driver.send(withdrawn);
      driver.erasures.pipeInput(
          "v1",
          ErasureRequest.newBuilder()
              .setRequestId("r-1")
              .setSiteId("other")
              .setVisitorId("v1")
              .setRequestedAt(at(0, 30))
              .build());

      assertThat(driver.transitions()).isEmpty();
      assertThat(driver.profile("v1").getSiteId()).isEqualTo("demo");
      assertThat(driver.profile("v1").getGeo().getCity()).isEqualTo("Miami");
      assertThat(driver.profile("v1").getProfilingAllowed()).isTrue();
      assertThat(driver.counter("profiler.events.skipped", "reason", "other-site")).isEqualTo(3);

      driver.erasures.pipeInput(
          "v1",
          ErasureRequest.newBuilder()
              .setRequestId("r-2")
              .setSiteId("demo")
              .setVisitorId("v1")
              .setRequestedAt(at(0, 40))
              .build());
      assertThat(driver.transitions()).containsExactly("v1 miami EXITED");
      assertThat(driver.profile("v1")).isNull();
    }
  }

  @Test
  void aVisitorComingBackOnlineIsEvaluatedAtOnceForTheTimeOnSiteTheyResume() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("engaged", 10, "visitor.online && visitor.visit.secondsOnSite >= 60"));
      driver.send(pageView("v1", at(0, 0), "/"));
      driver.send(heartbeat("v1", at(0, 30)));
      driver.clockTo(at(1, 1));
      assertThat(driver.transitions()).containsExactly("v1 engaged ENTERED");
      driver.clockTo(at(2, 31)); // offline two minutes after their last event
      assertThat(driver.transitions()).containsExactly("v1 engaged EXITED");

      // Back in the same visit (within the session gap): online, and on site for ten minutes.
      driver.send(heartbeat("v1", at(10, 0)));
      List<SegmentChange> back = driver.changeRecords();
      assertThat(back)
          .extracting(c -> c.getSegmentId() + " " + c.getTransition())
          .containsExactly("engaged ENTERED");
      assertThat(back.getFirst().getCause()).isEqualTo(ChangeCause.EVENT);
    }
  }

  @Test
  void anOfflineVisitorIsNotWokenForRulesWhoseTimeFieldsFreezeOffline() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      // No constant to compare time with: such rules are re-checked on a fallback tick, but online
      // turns false at a known moment, and time on site stops while the visitor is away.
      driver.define(
          segment("here-from-miami", 10, "visitor.online && visitor.geo.city == 'Miami'"));
      driver.define(
          segment(
              "longer-than-pages",
              10,
              "visitor.visit.secondsOnSite > visitor.visit.pageViews * 600"));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      assertThat(driver.transitions()).containsExactly("v1 here-from-miami ENTERED");

      driver.clockTo(at(2, 1));
      assertThat(driver.transitions()).containsExactly("v1 here-from-miami EXITED");
      double firedWhileOnline = driver.counter("profiler.timers.fired");

      driver.clockTo(at(60, 0));
      assertThat(driver.counter("profiler.timers.fired")).isEqualTo(firedWhileOnline);
      assertThat(driver.transitions()).isEmpty();
    }
  }

  @Test
  void aDefinitionKeyedUnderAnotherIdIsIgnored() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.definitions.pipeInput("a", segment("b", 10, "visitor.visits >= 1"), at(0, 0));
      driver.tick();
      driver.send(pageView("v1", at(0, 5), "/"));

      assertThat(driver.transitions()).isEmpty();
      assertThat(driver.counter("profiler.definitions.invalid")).isEqualTo(1);
    }
  }

  @Test
  void anotherSitesProfilePastRetentionFreesItsVisitorIdThoughItsTimerHasNotFired() {
    try (ProfilerDriver driver = new ProfilerDriver(Map.of("VP_PROFILER_RETENTION", "10m"))) {
      driver.define(segment("miami", 10, "visitor.geo.city == 'Miami'"));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      assertThat(driver.transitions()).containsExactly("v1 miami ENTERED");

      // No punctuation since: the eviction at 10:00 is still due when the other site's event comes.
      ClickstreamEvent elsewhere = pageView("v1", at(11, 0), "/", "Boston", null);
      elsewhere.setSiteId("other");
      driver.send(elsewhere);

      List<SegmentChange> exits = driver.changeRecords();
      assertThat(exits)
          .extracting(c -> c.getSegmentId() + " " + c.getTransition() + " " + c.getCause())
          .containsExactly("miami EXITED TIMER");
      assertThat(driver.profile("v1").getSiteId()).isEqualTo("other");
      assertThat(driver.profile("v1").getGeo().getCity()).isEqualTo("Boston");
      assertThat(driver.counter("profiler.events.skipped", "reason", "other-site")).isZero();
    }
  }

  @Test
  void aRuleThatFailsOnAProfileIsCountedAndDoesNotMatch() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("unguarded", 10, "visitor.postChat['found'].startsWith('n')"));
      driver.define(segment("anyone", 5, "visitor.visits >= 1"));
      driver.send(pageView("v1", at(0, 0), "/"));

      assertThat(driver.transitions()).containsExactly("v1 anyone ENTERED");
      assertThat(driver.counter("profiler.rule.errors")).isPositive();
    }
  }

  @Test
  void aGuardThatFailsSkipsTheRuleForNonMembersButMembersStillExit() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(
          segment("miami-mobile", 20, "visitor.geo.city == 'Miami' && visitor.visits >= 1"));
      driver.send(pageView("v1", at(0, 0), "/", "Boston", null));
      assertThat(driver.counter("profiler.rule.evaluations")).isZero();

      driver.send(pageView("v2", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v2", at(0, 10), "/", "Boston", null)); // moved: guard fails, member
      assertThat(driver.transitions())
          .containsExactly("v2 miami-mobile ENTERED", "v2 miami-mobile EXITED");
    }
  }

  @Test
  void onlyRulesReadingAChangedFieldAreEvaluated() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("miami", 20, "visitor.geo.city == 'Miami'"));
      // Not guards alone (an ||): CEL runs whenever the rule does.
      driver.define(
          segment("big-cart", 30, "visitor.cart.value > 100.0 || visitor.cart.itemCount > 5"));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null)); // city and cart are new: both run
      double afterFirst = driver.counter("profiler.rule.evaluations");

      driver.send(cart("v1", at(0, 10), 150.0, "A")); // only the cart changed
      assertThat(driver.counter("profiler.rule.evaluations") - afterFirst).isEqualTo(1);
    }
  }

  @Test
  void segmentsWithTheSameConditionShareOneEvaluationAndChangeTogether() {
    // Not guards alone (an ||): CEL runs whenever the condition is decided.
    String bigCart = "visitor.cart.value > 100.0 || visitor.cart.itemCount > 5";
    double alone;
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("big-cart-alert", 30, bigCart));
      sendBigThenSmallCart(driver);
      alone = driver.counter("profiler.rule.evaluations");
      assertThat(alone).isPositive();
    }
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("big-cart-alert", 30, bigCart));
      driver.define(segment("big-cart-invite", 20, bigCart));
      sendBigThenSmallCart(driver);

      assertThat(driver.counter("profiler.rule.evaluations")).isEqualTo(alone);
      assertThat(driver.transitions())
          .containsExactly(
              "v1 big-cart-alert ENTERED",
              "v1 big-cart-invite ENTERED",
              "v1 big-cart-alert EXITED",
              "v1 big-cart-invite EXITED");
    }
  }

  @Test
  void segmentsSharingAConditionKeepTheirOwnDwellAndVersion() {
    String bigCart = "visitor.cart.value > 100.0 || visitor.cart.itemCount > 5";
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("big-cart-alert", 30, bigCart));
      SegmentDefinition invite = segment("big-cart-invite", 20, bigCart);
      invite.setMinDwellSeconds(600);
      driver.define(invite);
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      driver.send(cart("v1", at(0, 10), 150.0, "A"));
      assertThat(driver.transitions())
          .containsExactly("v1 big-cart-alert ENTERED", "v1 big-cart-invite ENTERED");

      // A new version of the second only: the visitor stays in both.
      SegmentDefinition invite2 = segment("big-cart-invite", 20, bigCart);
      invite2.setMinDwellSeconds(600);
      invite2.setVersion(2);
      driver.define(invite2);
      assertThat(driver.transitions()).isEmpty();

      driver.send(cart("v1", at(2, 0), 50.0, "A")); // the invite's exit waits for its dwell
      assertThat(driver.transitions()).containsExactly("v1 big-cart-alert EXITED");

      driver.clockTo(at(10, 11));
      List<SegmentChange> exits = driver.changeRecords();
      assertThat(exits)
          .extracting(
              c -> c.getSegmentId() + " " + c.getTransition() + " v" + c.getSegmentVersion())
          .containsExactly("big-cart-invite EXITED v2");
    }
  }

  /** Where an evaluation meets a bug. */
  @FunctionalInterface
  private interface FailsOn {
    boolean test(VisitorProfile profile, long changed, Instant now);
  }

  /** A driver whose evaluator throws where {@code fails} says and evaluates as usual elsewhere. */
  private static ProfilerDriver failingWhere(FailsOn fails) {
    return new ProfilerDriver(
        Map.of(),
        (settings, metrics) ->
            new SegmentEvaluator(
                settings.profiles(),
                settings.minDwell(),
                settings.fallbackTick(),
                metrics.registry()) {
              @Override
              public Outcome evaluate(
                  VisitorProfile profile,
                  SegmentRuleBook.Snapshot rules,
                  SegmentRuleBook book,
                  long changed,
                  Instant now,
                  boolean recheckMembers) {
                if (fails.test(profile, changed, now)) {
                  throw new IllegalStateException("a bug met in an evaluation");
                }
                return super.evaluate(profile, rules, book, changed, now, recheckMembers);
              }
            });
  }

  private static void sendBigThenSmallCart(ProfilerDriver driver) {
    driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
    driver.send(cart("v1", at(0, 10), 150.0, "A"));
    driver.send(cart("v1", at(2, 0), 50.0, "A")); // past the minimum dwell
  }

  @Test
  void aVisitorWhoseTimerFailsIsTriedAgainLaterEachTimeAndTheOthersAreNotHeldUp() {
    AtomicInteger failures = new AtomicInteger(2);
    // v1's timer at the cart's idle threshold meets a bug, twice.
    try (ProfilerDriver driver =
        failingWhere(
            (profile, changed, now) ->
                changed == FieldMask.TIME_DEPENDENT
                    && profile.getVisitorId().equals("v1")
                    && !now.isBefore(at(5, 0))
                    && failures.getAndDecrement() > 0)) {
      driver.define(
          segment(
              "idle-cart", 10, "visitor.cart.itemCount > 0 && visitor.cart.idleSeconds >= 300"));
      driver.send(cart("v1", at(0, 0), 40, "SKU-1"));
      driver.send(cart("v2", at(0, 0), 40, "SKU-1"));

      driver.clockTo(at(5, 2));
      assertThat(driver.transitions()).containsExactly("v2 idle-cart ENTERED");
      assertThat(driver.counter("profiler.timers.failed")).isEqualTo(1);

      // Tried again after as long as v1 had been away (5 minutes), then after 10.
      driver.clockTo(at(9, 59));
      assertThat(driver.counter("profiler.timers.failed")).isEqualTo(1);
      driver.clockTo(at(10, 1));
      assertThat(driver.counter("profiler.timers.failed")).isEqualTo(2);
      driver.clockTo(at(19, 59));
      assertThat(driver.transitions()).isEmpty();
      driver.clockTo(at(20, 1));
      List<SegmentChange> retried = driver.changeRecords();
      assertThat(retried)
          .extracting(c -> c.getVisitorId() + " " + c.getSegmentId() + " " + c.getTransition())
          .containsExactly("v1 idle-cart ENTERED");
      assertThat(retried.getFirst().getCause()).isEqualTo(ChangeCause.TIMER);
      assertThat(retried.getFirst().getCauseEventTime()).isEqualTo(at(20, 0)); // the retry's time
    }
  }

  @Test
  void aDefinitionChangeReachesEveryOnlineVisitorThoughOnesReEvaluationFails() {
    // Whichever of them the index holds first, v1's re-evaluation meets a bug: a serde's, on a
    // value of v1's only (a Kafka exception, but no failure of Kafka's).
    try (ProfilerDriver driver =
        failingWhere(
            (profile, changed, now) -> {
              if (changed == FieldMask.ALL && profile.getVisitorId().equals("v1")) {
                throw new SerializationException("a null where the schema has none");
              }
              return false;
            })) {
      driver.send(pageView("v0", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v2", at(0, 0), "/", "Miami", null));

      SegmentDefinition miami = segment("miami", 20, "visitor.geo.city == 'Miami'");
      miami.setUpdatedAt(at(0, 5)); // saved after their events, as the admin API stamps it
      driver.define(miami);

      assertThat(driver.transitions())
          .containsExactlyInAnyOrder("v0 miami ENTERED", "v2 miami ENTERED");
      assertThat(driver.counter("profiler.definition.reevaluations.failed")).isEqualTo(1);
      // v1 is evaluated again by their next event, as a visitor away during the change would be.
      driver.send(pageView("v1", at(0, 30), "/", "Miami", null));
      assertThat(driver.transitions()).containsExactly("v1 miami ENTERED");
    }
  }

  @Test
  void aSchemaRegistryOutageEndsTheReEvaluationAtOnce() {
    // Not the visitor's: the registry out of reach would meet every visitor after them, each after
    // the client's retries.
    try (ProfilerDriver driver =
        failingWhere(
            (profile, changed, now) -> {
              if (changed == FieldMask.ALL && profile.getVisitorId().equals("v1")) {
                throw new SerializationException(
                    "the profile's schema could not be registered",
                    new SchemaRegistryException("schema registry did not answer", 0, 0, null));
              }
              return false;
            })) {
      driver.send(pageView("v0", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v1", at(0, 0), "/", "Miami", null));
      driver.send(pageView("v2", at(0, 0), "/", "Miami", null));

      SegmentDefinition miami = segment("miami", 20, "visitor.geo.city == 'Miami'");
      miami.setUpdatedAt(at(0, 5));
      driver.define(miami);

      assertThat(driver.transitions()).containsExactly("v0 miami ENTERED");
      assertThat(driver.counter("profiler.definition.reevaluations.failed")).isZero();
    }
  }

  @Test
  void aChangeCausedByAnEventFromTheFutureIsNotTimedAfterTheClock() {
    // A broker refuses records timed more than message.timestamp.after.max.ms (an hour by
    // default) ahead of its clock, and one refused change failed the transaction and stopped the
    // whole client. The change keeps the event's time in its body.
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.define(segment("miami", 20, "visitor.geo.city == 'Miami'"));
      driver.send(pageView("v1", at(120, 0), "/", "Miami", null)); // two hours ahead
      var record = driver.changes.readRecord();
      assertThat(record.value().getTransition()).hasToString("ENTERED");
      assertThat(record.value().getCauseEventTime()).isEqualTo(at(120, 0));
      assertThat(record.getRecordTime()).isBefore(at(1, 0));
    }
  }
}
