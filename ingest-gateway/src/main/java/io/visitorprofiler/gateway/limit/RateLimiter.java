package io.visitorprofiler.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Rate limits of the ingest API: events per second per site, and requests per second per client
 * address. Buckets of idle keys expire, and the number of tracked addresses is bounded, so a flood
 * of distinct addresses cannot exhaust memory.
 */
public final class RateLimiter {
  /** A decision: allowed, or refused with the time after which a retry can succeed. */
  public record Decision(boolean allowed, String limit, Duration retryAfter) {
    static final Decision ALLOWED = new Decision(true, null, Duration.ZERO);
  }

  private final double siteEventsPerSecond;
  private final double siteBurst;
  private final double addressRequestsPerSecond;
  private final double addressBurst;
  private final Cache<String, TokenBucket> sites;
  private final Cache<String, TokenBucket> addresses;
  private final LongSupplier nanoTime;

  public RateLimiter(
      double siteEventsPerSecond, double addressRequestsPerSecond, LongSupplier nanoTime) {
    this.siteEventsPerSecond = siteEventsPerSecond;
    this.siteBurst = siteEventsPerSecond * 2;
    this.addressRequestsPerSecond = addressRequestsPerSecond;
    this.addressBurst = addressRequestsPerSecond * 2;
    this.nanoTime = nanoTime;
    this.sites = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).build();
    this.addresses =
        Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2)).maximumSize(200_000).build();
  }

  /** One request of {@code events} events from {@code address} (may be null) to {@code siteId}. */
  public Decision admit(String siteId, String address, int events) {
    long now = nanoTime.getAsLong();
    if (address != null && addressRequestsPerSecond > 0) {
      TokenBucket bucket =
          addresses.get(address, k -> new TokenBucket(addressRequestsPerSecond, addressBurst, now));
      long wait = bucket.take(1, now);
      if (wait > 0) {
        return new Decision(false, "requests per address", Duration.ofNanos(wait));
      }
    }
    if (siteEventsPerSecond > 0) {
      TokenBucket bucket =
          sites.get(siteId, k -> new TokenBucket(siteEventsPerSecond, siteBurst, now));
      long wait = bucket.take(events, now);
      if (wait > 0) {
        return new Decision(false, "events per site", Duration.ofNanos(wait));
      }
    }
    return Decision.ALLOWED;
  }
}
