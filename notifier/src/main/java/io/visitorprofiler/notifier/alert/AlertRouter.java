package io.visitorprofiler.notifier.alert;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.notifier.agent.Agent;
import io.visitorprofiler.notifier.agent.AgentDirectory;
import io.visitorprofiler.notifier.agent.MuteStore;
import io.visitorprofiler.schemas.NotifySettings;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Turns an ENTERED into alerts for the agents and departments its segment's notification settings
 * name, once per visitor and segment within {@code dedupeWindow} (a visitor flapping in and out
 * does not flood agents), with pop-up and sound from the segment and the agent's mutes.
 */
public final class AlertRouter {
  private final AgentDirectory agents;
  private final MuteStore mutes;
  private final AlertHub hub;
  private final Function<String, SegmentDefinition> definitions;
  private final Cache<String, Boolean> recentlyAlerted;
  private final Counter pushed;
  private final Counter suppressed;

  public AlertRouter(
      AgentDirectory agents,
      MuteStore mutes,
      AlertHub hub,
      Function<String, SegmentDefinition> definitions,
      Duration dedupeWindow,
      MeterRegistry metrics) {
    this.agents = agents;
    this.mutes = mutes;
    this.hub = hub;
    this.definitions = definitions;
    this.recentlyAlerted =
        Caffeine.newBuilder().expireAfterWrite(dedupeWindow).maximumSize(1_000_000).build();
    this.pushed = Counter.builder("vp.notifier.alerts.pushed").register(metrics);
    this.suppressed = Counter.builder("vp.notifier.alerts.suppressed").register(metrics);
  }

  /** Alerts published for this change (empty when nobody is to be told). */
  public List<Alert> route(SegmentChange change) {
    if (change.getTransition() != Transition.ENTERED) {
      return List.of();
    }
    SegmentDefinition definition = definitions.apply(change.getSegmentId());
    if (definition == null || definition.getNotify() == null) {
      return List.of();
    }
    NotifySettings notify = definition.getNotify();
    List<Agent> recipients = agents.recipients(notify.getAgents(), notify.getDepartments());
    if (recipients.isEmpty()) {
      return List.of();
    }
    String key =
        change.getSiteId() + '\u0000' + change.getVisitorId() + '\u0000' + change.getSegmentId();
    if (recentlyAlerted.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      suppressed.increment();
      return List.of();
    }
    ProfileSnapshot snapshot = change.getSnapshot();
    return recipients.stream()
        .map(
            agent -> {
              MuteStore.Mute mute = mutes.get(agent.agentId(), change.getSegmentId());
              Alert alert =
                  new Alert(
                      0,
                      change.getChangeId(),
                      change.getSiteId(),
                      change.getVisitorId(),
                      label(change),
                      change.getSegmentId(),
                      definition.getName(),
                      definition.getLabel(),
                      definition.getColor(),
                      definition.getPriority(),
                      change.getCauseEventTime(),
                      snapshot == null ? null : snapshot.getCity(),
                      snapshot == null ? null : snapshot.getCountry(),
                      snapshot == null ? null : snapshot.getCurrentUrl(),
                      snapshot == null ? null : snapshot.getCartValue(),
                      Boolean.TRUE.equals(notify.getPopup()) && !mute.popupMuted(),
                      Boolean.TRUE.equals(notify.getSound()) && !mute.soundMuted());
              pushed.increment();
              return hub.publish(agent.agentId(), alert);
            })
        .toList();
  }

  /** The visitor as agents see them: their name when identified, else a short anonymous label. */
  private static String label(SegmentChange change) {
    ProfileSnapshot snapshot = change.getSnapshot();
    if (snapshot != null && snapshot.getName() != null) {
      return snapshot.getName();
    }
    String id = change.getVisitorId();
    return "Visitor " + (id.length() > 6 ? id.substring(id.length() - 6) : id);
  }
}
