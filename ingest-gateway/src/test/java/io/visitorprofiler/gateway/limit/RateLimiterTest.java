package io.visitorprofiler.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Events per site and requests per address, on a fake clock. */
class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void anAddressGetsItsBurstThenIsRefusedWithARetryAfter() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get); // 1 request/s, burst 2

    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isTrue();
    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isTrue();
    RateLimiter.Decision refused = limiter.admit("demo", "203.0.113.7", 1);

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limit()).isEqualTo("requests per address");
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anAddressIsAdmittedAgainOnceTokensRefill() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
    limiter.admit("demo", "203.0.113.7", 1);
    limiter.admit("demo", "203.0.113.7", 1);
    Duration retryAfter = limiter.admit("demo", "203.0.113.7", 1).retryAfter();

    nanos.addAndGet(retryAfter.toNanos());

    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isTrue();
    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isFalse();
  }

  @Test
  void theBucketRefillsAtMostToItsBurst() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
    limiter.admit("demo", "203.0.113.7", 1);

    nanos.addAndGet(Duration.ofHours(1).toNanos());

    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isTrue();
    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isTrue();
    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isFalse();
  }

  @Test
  void eachAddressHasItsOwnBucket() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
    limiter.admit("demo", "203.0.113.7", 1);
    limiter.admit("demo", "203.0.113.7", 1);

    assertThat(limiter.admit("demo", "203.0.113.7", 1).allowed()).isFalse();
    assertThat(limiter.admit("demo", "198.51.100.1", 1).allowed()).isTrue();
    assertThat(limiter.admit("other", "198.51.100.2", 1).allowed()).isTrue();
  }

  @Test
  void aSiteGetsItsBurstOfEventsThenIsRefused() {
    RateLimiter limiter = new RateLimiter(5, 0, nanos::get); // 5 events/s, burst 10

    assertThat(limiter.admit("demo", null, 10).allowed()).isTrue();
    RateLimiter.Decision refused = limiter.admit("demo", null, 1);

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limit()).isEqualTo("events per site");
    assertThat(refused.retryAfter()).isPositive();
  }

  @Test
  void aSiteIsAdmittedAgainAfterTimePasses() {
    RateLimiter limiter = new RateLimiter(5, 0, nanos::get);
    limiter.admit("demo", null, 10);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // 5 more events

    assertThat(limiter.admit("demo", null, 4).allowed()).isTrue();
    assertThat(limiter.admit("demo", null, 2).allowed()).isFalse();
  }

  @Test
  void eachSiteHasItsOwnBucket() {
    RateLimiter limiter = new RateLimiter(5, 0, nanos::get);
    limiter.admit("demo", null, 10);

    assertThat(limiter.admit("demo", null, 1).allowed()).isFalse();
    assertThat(limiter.admit("shop", null, 10).allowed()).isTrue();
  }

  @Test
  void aLargerBatchWaitsLongerThanASmallOne() {
    RateLimiter limiter = new RateLimiter(5, 0, nanos::get);
    limiter.admit("demo", null, 10);

    Duration one = limiter.admit("demo", null, 1).retryAfter();
    Duration five = limiter.admit("demo", null, 5).retryAfter();

    assertThat(five).isGreaterThan(one);
  }

  @Test
  void aRequestWithoutAddressIsOnlyLimitedPerSite() {
    RateLimiter limiter = new RateLimiter(1000, 1, nanos::get);

    for (int i = 0; i < 10; i++) {
      assertThat(limiter.admit("demo", null, 1).allowed()).isTrue();
    }
  }

  @Test
  void zeroDisablesALimit() {
    RateLimiter unlimited = new RateLimiter(0, 0, nanos::get);

    for (int i = 0; i < 1000; i++) {
      assertThat(unlimited.admit("demo", "203.0.113.7", 500).allowed()).isTrue();
    }
  }

  @Test
  void anAllowedDecisionHasNoRetryAfter() {
    RateLimiter.Decision allowed =
        new RateLimiter(5, 1, nanos::get).admit("demo", "203.0.113.7", 1);

    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.limit()).isNull();
    assertThat(allowed.retryAfter()).isZero();
  }
}
