package io.visitorprofiler.notifier.invite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;

/**
 * Who may be invited now: at most one invitation per visitor per visit, and none within {@code
 * minutesBetween} of the visitor's last invitation, across all segments. Bounded memory: visitors
 * idle longer than a day are forgotten.
 */
public final class InvitationCaps {
  private record Last(Instant at, Integer visit) {}

  private final Cache<String, Last> lastInvitation =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(1)).maximumSize(1_000_000).build();

  /** Whether the visitor may be invited at {@code now}; if so, the invitation is recorded. */
  public synchronized boolean tryInvite(
      String siteId, String visitorId, Integer visit, Duration between, Instant now) {
    String key = siteId + '\u0000' + visitorId;
    Last last = lastInvitation.getIfPresent(key);
    if (last != null) {
      if (visit != null && visit.equals(last.visit())) {
        return false;
      }
      if (now.isBefore(last.at().plus(between))) {
        return false;
      }
    }
    lastInvitation.put(key, new Last(now, visit));
    return true;
  }
}
