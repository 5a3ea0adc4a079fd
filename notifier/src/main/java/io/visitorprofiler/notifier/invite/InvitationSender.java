package io.visitorprofiler.notifier.invite;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Proactive chat invitations: when a visitor enters a segment with invitation settings, and the
 * caps allow it (one per visit, none within the segment's {@code minutesBetween} of the last), and
 * the online agents have free capacity (chats per agent minus their open chats minus invitations
 * still waiting for an answer), the message — a deterministic A/B variant when the segment has
 * variants — is filled from the snapshot and sent to {@code vp.invitations.v1}.
 */
public final class InvitationSender {
  /** Why an invitation was not sent, for metrics. */
  public enum Skipped {
    CAPPED,
    NO_CAPACITY
  }

  private final Function<String, SegmentDefinition> definitions;
  private final Supplier<Set<String>> onlineAgents;
  private final ChatLoad chats;
  private final InvitationCaps caps;
  private final MessageTemplate template;
  private final Consumer<Invitation> publish;
  private final int chatsPerAgent;
  private final Duration expiry;
  private final Clock clock;
  private final MeterRegistry metrics;

  /** Invitations sent by this instance and not yet answered nor expired, oldest first. */
  private final LinkedHashMap<String, Instant> outstanding = new LinkedHashMap<>();

  public InvitationSender(
      Function<String, SegmentDefinition> definitions,
      Supplier<Set<String>> onlineAgents,
      ChatLoad chats,
      InvitationCaps caps,
      MessageTemplate template,
      Consumer<Invitation> publish,
      int chatsPerAgent,
      Duration expiry,
      Clock clock,
      MeterRegistry metrics) {
    this.definitions = definitions;
    this.onlineAgents = onlineAgents;
    this.chats = chats;
    this.caps = caps;
    this.template = template;
    this.publish = publish;
    this.chatsPerAgent = chatsPerAgent;
    this.expiry = expiry;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * A visitor answered an invitation (accepted: the chat that follows counts as an open chat;
   * declined): it no longer waits for an answer.
   */
  public synchronized void answered(String invitationId) {
    outstanding.remove(invitationId);
  }

  /** The invitation sent for this change, or null. */
  public synchronized Invitation consider(SegmentChange change) {
    if (change.getTransition() != Transition.ENTERED) {
      return null;
    }
    SegmentDefinition definition = definitions.apply(change.getSegmentId());
    InvitationSettings settings = definition == null ? null : definition.getInvitation();
    if (settings == null || settings.getMessage() == null || settings.getMessage().isBlank()) {
      return null;
    }
    Instant now = clock.instant();
    Instant expired = now.minus(expiry);
    outstanding.values().removeIf(sentAt -> sentAt.isBefore(expired));
    Set<String> online = onlineAgents.get();
    int free = online.size() * chatsPerAgent - chats.openChats(online) - outstanding.size();
    if (free <= 0) {
      skipped(change, Skipped.NO_CAPACITY);
      return null;
    }
    ProfileSnapshot snapshot = change.getSnapshot();
    Integer visit = snapshot == null ? null : snapshot.getVisits();
    int minutes = settings.getMinutesBetween();
    if (!caps.tryInvite(
        change.getSiteId(), change.getVisitorId(), visit, Duration.ofMinutes(minutes), now)) {
      skipped(change, Skipped.CAPPED);
      return null;
    }
    InvitationVariant variant =
        VariantChooser.choose(settings.getVariants(), change.getVisitorId(), change.getSegmentId());
    String message = variant != null ? variant.getMessage() : settings.getMessage();
    Invitation invitation =
        new Invitation(
            "inv-" + UUID.randomUUID(),
            change.getSiteId(),
            change.getVisitorId(),
            change.getSegmentId(),
            variant == null ? null : variant.getVariantId(),
            template.render(message, snapshot),
            now,
            now.plus(expiry));
    publish.accept(invitation);
    outstanding.put(invitation.getInvitationId(), now);
    Counter.builder("vp.notifier.invitations.sent")
        .tag("segment", change.getSegmentId())
        .tag("variant", variant == null ? "" : variant.getVariantId())
        .register(metrics)
        .increment();
    return invitation;
  }

  private void skipped(SegmentChange change, Skipped why) {
    Counter.builder("vp.notifier.invitations.skipped")
        .tag("segment", change.getSegmentId())
        .tag("reason", why.name().toLowerCase(java.util.Locale.ROOT))
        .register(metrics)
        .increment();
  }
}
