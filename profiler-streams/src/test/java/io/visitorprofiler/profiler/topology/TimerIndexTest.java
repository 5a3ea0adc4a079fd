package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimerIndexTest {
  @Test
  void keysAreTheZeroPaddedDueTimeAndTheVisitor() {
    assertThat(TimerIndex.key(Instant.ofEpochMilli(1_795_420_736_578L), "v-1"))
        .isEqualTo("001795420736578|v-1");
    assertThat(TimerIndex.key(Instant.EPOCH, "v")).isEqualTo("000000000000000|v");
    assertThat(TimerIndex.key(Instant.ofEpochMilli(999_999_999_999_999L), ""))
        .isEqualTo("999999999999999|");
  }

  @Test
  void keysSortByDueTimeThenVisitor() {
    String earlier = TimerIndex.key(Instant.ofEpochMilli(9_999_999_999L), "z");
    String later = TimerIndex.key(Instant.ofEpochMilli(10_000_000_000L), "a");
    String laterOther = TimerIndex.key(Instant.ofEpochMilli(10_000_000_000L), "b");
    assertThat(earlier).isLessThan(later);
    assertThat(later).isLessThan(laterOther);
  }
}
