package io.visitorprofiler.gateway.limit;

/**
 * A token bucket: {@code ratePerSecond} tokens refill continuously up to {@code burst}.
 * Thread-safe; time comes from the caller so tests need no clock.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long updatedAt;

  TokenBucket(double ratePerSecond, double burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = nowNanos;
  }

  /**
   * Takes {@code amount} tokens if there are enough.
   *
   * @return 0 when taken, else the nanoseconds until enough would be there
   */
  synchronized long take(double amount, long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - updatedAt) * ratePerNano);
    updatedAt = nowNanos;
    if (tokens >= amount) {
      tokens -= amount;
      return 0;
    }
    double missing = Math.min(amount, burst) - tokens;
    return Math.max(1, (long) Math.ceil(missing / ratePerNano));
  }
}
