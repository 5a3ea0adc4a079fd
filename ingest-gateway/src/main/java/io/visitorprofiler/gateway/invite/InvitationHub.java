package io.visitorprofiler.gateway.invite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.schemas.Invitation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Routes invitations to the pages of their visitor that are connected to this gateway instance, and
 * keeps recent ones for a short while so a page that connects a moment later (a navigation, a
 * reconnect) still gets an unexpired invitation.
 */
public final class InvitationHub {
  /** A connected page. */
  public interface Listener extends Consumer<Invitation> {}

  private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();
  private final Cache<String, List<Invitation>> recent;
  private final Clock clock;
  private final Counter delivered;

  public InvitationHub(Duration keepRecent, Clock clock, MeterRegistry metrics) {
    this.recent = Caffeine.newBuilder().expireAfterWrite(keepRecent).maximumSize(100_000).build();
    this.clock = clock;
    this.delivered =
        Counter.builder("vp.gateway.invitations.delivered")
            .description("Invitations pushed to connected pages")
            .register(metrics);
    metrics.gaugeMapSize("vp.gateway.invitation.visitors.connected", List.of(), listeners);
  }

  private static String key(String siteId, String visitorId) {
    return siteId + '\u0000' + visitorId;
  }

  /** Connects a page; it gets the visitor's unexpired recent invitations at once. */
  public void connect(String siteId, String visitorId, Listener listener) {
    // Added inside the map's update of the key, as disconnect removes: a set that a closing page
    // has just emptied and dropped from the map must not be the one this page joins.
    listeners.compute(
        key(siteId, visitorId),
        (k, set) -> {
          Set<Listener> pages = set == null ? ConcurrentHashMap.newKeySet() : set;
          pages.add(listener);
          return pages;
        });
    List<Invitation> pending = recent.getIfPresent(key(siteId, visitorId));
    if (pending != null) {
      pending.stream().filter(this::unexpired).forEach(listener);
    }
  }

  public void disconnect(String siteId, String visitorId, Listener listener) {
    listeners.computeIfPresent(
        key(siteId, visitorId),
        (k, set) -> {
          set.remove(listener);
          return set.isEmpty() ? null : set;
        });
  }

  /** An invitation read from the topic. */
  public void deliver(Invitation invitation) {
    if (!unexpired(invitation)) {
      return;
    }
    String key = key(invitation.getSiteId(), invitation.getVisitorId());
    recent
        .asMap()
        .compute(
            key,
            (k, list) -> {
              List<Invitation> next = list == null ? new CopyOnWriteArrayList<>() : list;
              next.removeIf(i -> !unexpired(i));
              if (next.size() < 10) {
                next.add(invitation);
              }
              return next;
            });
    Set<Listener> connected = listeners.get(key);
    if (connected != null) {
      for (Listener listener : new ArrayList<>(connected)) {
        listener.accept(invitation);
        delivered.increment();
      }
    }
  }

  private boolean unexpired(Invitation invitation) {
    return invitation.getExpiresAt() == null || invitation.getExpiresAt().isAfter(clock.instant());
  }
}
