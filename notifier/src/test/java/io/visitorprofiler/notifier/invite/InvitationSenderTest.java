package io.visitorprofiler.notifier.invite;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ChatEnded;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatStarted;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationSettings;
import io.visitorprofiler.schemas.InvitationVariant;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Templates, variants, caps and agents' capacity of proactive invitations. */
class InvitationSenderTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final MessageTemplate template = new MessageTemplate(50);
  private final List<Invitation> sent = new ArrayList<>();
  private final Set<String> online = new HashSet<>(Set.of("agent-1"));
  private final ChatLoad chats = new ChatLoad();
  private Instant now = T0;
  private final Map<String, SegmentDefinition> definitions = new HashMap<>();

  private InvitationSender sender(int chatsPerAgent) {
    return new InvitationSender(
        definitions::get,
        () -> online,
        chats,
        new InvitationCaps(),
        template,
        sent::add,
        chatsPerAgent,
        Duration.ofMinutes(2),
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        },
        new SimpleMeterRegistry());
  }

  private void segment(
      String id, String message, Integer minutesBetween, InvitationVariant... variants) {
    definitions.put(
        id,
        new SegmentDefinition(
            id,
            "demo",
            id,
            id,
            "#000",
            10,
            true,
            "true",
            1L,
            null,
            null,
            new InvitationSettings(message, minutesBetween, List.of(variants)),
            T0,
            "test"));
  }

  private static SegmentChange entered(
      String visitor, String segment, int visit, Double cart, String name) {
    return new SegmentChange(
        "c-" + visitor + segment + visit,
        visitor,
        "demo",
        segment,
        segment,
        1L,
        Transition.ENTERED,
        10,
        ChangeCause.EVENT,
        "e",
        T0,
        T0,
        List.of(),
        new ProfileSnapshot("Miami", "US", "https://shop.test/cart", cart, "USD", visit, name));
  }

  @Test
  void theTemplateIsFilledFromTheSnapshot() {
    ProfileSnapshot ada = new ProfileSnapshot("Miami", "US", null, 24.0, "USD", 3, "Ada");
    assertThat(
            template.render(
                "Hi {name}, add ${freeShippingGap} more for free shipping! ({city}) {unknown}",
                ada))
        .isEqualTo("Hi Ada, add $26.00 more for free shipping! (Miami) {unknown}");
    ProfileSnapshot anonymous = new ProfileSnapshot(null, null, null, 80.0, null, 1, null);
    assertThat(template.render("Hi {name}, {freeShippingGap} to go, cart {cartValue}", anonymous))
        .isEqualTo("Hi there, 0.00 to go, cart 80.00");
  }

  @Test
  void variantsAreDeterministicPerVisitorAndFollowTheirWeights() {
    List<InvitationVariant> variants =
        List.of(new InvitationVariant("A", "a", 1), new InvitationVariant("B", "b", 3));
    assertThat(VariantChooser.choose(variants, "v-1", "carts").getVariantId())
        .isEqualTo(VariantChooser.choose(variants, "v-1", "carts").getVariantId());
    int b = 0;
    for (int i = 0; i < 4000; i++) {
      if (VariantChooser.choose(variants, "v-" + i, "carts").getVariantId().equals("B")) {
        b++;
      }
    }
    assertThat(b).isBetween(2800, 3200); // 3 of 4
    assertThat(VariantChooser.choose(List.of(), "v-1", "carts")).isNull();
  }

  @Test
  void oneInvitationPerVisitAndNoneWithinTheMinutesBetween() {
    segment("carts", "Hi {name}", 30);
    segment("vip", "Welcome back {name}", 30);
    InvitationSender sender = sender(3);
    assertThat(sender.consider(entered("v-1", "carts", 1, 24.0, "Ada"))).isNotNull();
    assertThat(sender.consider(entered("v-1", "vip", 1, 24.0, "Ada"))).as("same visit").isNull();
    now = T0.plus(Duration.ofMinutes(10));
    assertThat(sender.consider(entered("v-1", "vip", 2, 24.0, "Ada"))).as("within 30 min").isNull();
    now = T0.plus(Duration.ofMinutes(31));
    assertThat(sender.consider(entered("v-1", "vip", 3, 24.0, "Ada")).getMessage())
        .isEqualTo("Welcome back Ada");
    assertThat(sender.consider(entered("v-2", "nothing", 1, 24.0, null)))
        .as("no settings")
        .isNull();
  }

  @Test
  void invitationsStopAtTheOnlineAgentsFreeCapacity() {
    segment("carts", "Hi", 30, new InvitationVariant("A", "Hi from A", 1));
    InvitationSender sender = sender(2);
    assertThat(sender.consider(entered("v-1", "carts", 1, 10.0, null)).getVariantId())
        .isEqualTo("A");
    chats.accept(new ChatEvent("e1", "demo", "v-9", "c-9", T0, null, new ChatStarted("agent-1")));
    assertThat(sender.consider(entered("v-2", "carts", 1, 10.0, null)))
        .as("2 chats per agent: one open chat and one pending invitation")
        .isNull();
    chats.accept(new ChatEvent("e2", "demo", "v-9", "c-9", T0, null, new ChatEnded("visitor")));
    assertThat(sender.consider(entered("v-3", "carts", 1, 10.0, null))).isNotNull();
    now = T0.plus(Duration.ofMinutes(3)); // both invitations expired unanswered
    online.clear();
    assertThat(sender.consider(entered("v-4", "carts", 1, 10.0, null)))
        .as("nobody online")
        .isNull();
    assertThat(sent).hasSize(2);
  }

  @Test
  void anAnsweredInvitationNoLongerTakesAPlace() {
    segment("carts", "Hi", 30);
    InvitationSender sender = sender(1);
    Invitation first = sender.consider(entered("v-1", "carts", 1, 10.0, null));
    assertThat(sender.consider(entered("v-2", "carts", 1, 10.0, null)))
        .as("one place, taken by the pending invitation")
        .isNull();

    sender.answered(first.getInvitationId());
    sender.answered("inv-unknown"); // another instance's invitation: nothing to free

    assertThat(sender.consider(entered("v-3", "carts", 1, 10.0, null)))
        .as("declined (or accepted: then it counts as an open chat once the chat starts)")
        .isNotNull();
    assertThat(sender.consider(entered("v-4", "carts", 1, 10.0, null))).isNull();
  }
}
