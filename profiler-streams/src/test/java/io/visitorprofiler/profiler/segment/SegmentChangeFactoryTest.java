package io.visitorprofiler.profiler.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.rules.RuleCompileException;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentChangeFactoryTest {
  private static final Instant SAVED = Instant.parse("2026-11-23T10:00:00Z");
  private final SegmentRuleCompiler compiler = new SegmentRuleCompiler();

  @Test
  void theTopThreeAreThoseOfAFullSortByPriorityThenId() throws Exception {
    SplittableRandom random = new SplittableRandom(23);
    for (int round = 0; round < 500; round++) {
      List<SegmentRule> members = new ArrayList<>();
      int count = random.nextInt(40);
      for (int i = 0; i < count; i++) {
        // Few priorities, so that ties (decided by the smaller id) are common.
        members.add(rule("s" + random.nextInt(1000) + "-" + i, random.nextInt(4)));
      }
      List<String> expected =
          members.stream()
              .sorted(
                  Comparator.comparingInt(SegmentRule::priority)
                      .reversed()
                      .thenComparing(SegmentRule::segmentId))
              .limit(SegmentChangeFactory.TOP)
              .map(SegmentRule::segmentId)
              .toList();

      assertThat(SegmentChangeFactory.topSegments(members))
          .extracting(SegmentBadge::getSegmentId)
          .as("round %d", round)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aBadgeCarriesWhatTheAgentSees() throws Exception {
    SegmentRule vip = rule("vip", 9);

    SegmentBadge badge = SegmentChangeFactory.topSegments(List.of(rule("a", 1), vip)).getFirst();

    assertThat(badge).isEqualTo(new SegmentBadge("vip", "name vip", "label vip", "#112233", 9));
  }

  @Test
  void eachTransitionIsOneRecordWithTheSharedCauseTopThreeAndSnapshot() throws Exception {
    Instant at = Instant.parse("2026-11-23T11:00:00.123Z");
    Instant emitted = at.plusSeconds(1);
    VisitorProfile profile = ProfileUpdater.newProfile("v1", "demo", at);
    profile.getGeo().setCity("Miami");
    profile.setVisits(3);
    SegmentRule repeat = rule("repeat", 5);
    List<SegmentTransition> transitions =
        List.of(
            SegmentTransition.of(repeat, Transition.ENTERED),
            new SegmentTransition("gone", "Gone", 7, 1, Transition.EXITED));

    List<SegmentChange> changes =
        SegmentChangeFactory.build(
            profile, transitions, List.of(repeat), ChangeCause.EVENT, "e-9", at, emitted);

    assertThat(changes).hasSize(2);
    assertThat(changes)
        .extracting(SegmentChange::getChangeId)
        .containsExactly(
            "v1:repeat:1:ENTERED:" + at.toEpochMilli() + ":e-9",
            "v1:gone:7:EXITED:" + at.toEpochMilli() + ":e-9");
    SegmentChange exit = changes.get(1);
    assertThat(exit.getVisitorId()).isEqualTo("v1");
    assertThat(exit.getSiteId()).isEqualTo("demo");
    assertThat(exit.getSegmentName()).isEqualTo("Gone");
    assertThat(exit.getSegmentVersion()).isEqualTo(7);
    assertThat(exit.getPriority()).isEqualTo(1);
    assertThat(exit.getCause()).isEqualTo(ChangeCause.EVENT);
    assertThat(exit.getCauseEventId()).isEqualTo("e-9");
    assertThat(exit.getCauseEventTime()).isEqualTo(at);
    assertThat(exit.getEmittedAt()).isEqualTo(emitted);
    assertThat(exit.getTopSegments())
        .extracting(SegmentBadge::getSegmentId)
        .containsExactly("repeat");
    assertThat(exit.getSnapshot().getCity()).isEqualTo("Miami");
    assertThat(exit.getSnapshot().getVisits()).isEqualTo(3);
    assertThat(exit.getSnapshot().getCartValue()).isNull(); // no cart, no value
  }

  @Test
  void aChangeByTimeNamesItsCauseInItsId() throws Exception {
    Instant at = Instant.parse("2026-11-23T11:00:00Z");
    VisitorProfile profile = ProfileUpdater.newProfile("v1", "demo", at);
    SegmentRule idle = rule("idle", 1);

    List<SegmentChange> changes =
        SegmentChangeFactory.build(
            profile,
            List.of(SegmentTransition.of(idle, Transition.ENTERED)),
            List.of(idle),
            ChangeCause.TIMER,
            "e-1",
            at,
            at);

    assertThat(changes.getFirst().getChangeId())
        .isEqualTo("v1:idle:1:ENTERED:" + at.toEpochMilli() + ":timer");
    assertThat(changes.getFirst().getCauseEventId()).isEqualTo("e-1");
  }

  @Test
  void theIdIsTheSameWhateverTheMachinesLocale() throws Exception {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR")); // "TIMER".toLowerCase() is "tımer" there
    try {
      aChangeByTimeNamesItsCauseInItsId();
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void noTransitionNoRecord() {
    VisitorProfile profile = ProfileUpdater.newProfile("v1", "demo", SAVED);

    assertThat(
            SegmentChangeFactory.build(
                profile, List.of(), List.of(), ChangeCause.EVENT, "e", SAVED, SAVED))
        .isEmpty();
  }

  private SegmentRule rule(String id, int priority) throws RuleCompileException {
    return compiler.compile(
        SegmentDefinition.newBuilder()
            .setSegmentId(id)
            .setSiteId("demo")
            .setName("name " + id)
            .setLabel("label " + id)
            .setColor("#112233")
            .setPriority(priority)
            .setCondition("visitor.visits >= 2")
            .setVersion(1)
            .setUpdatedAt(SAVED)
            .build());
  }
}
