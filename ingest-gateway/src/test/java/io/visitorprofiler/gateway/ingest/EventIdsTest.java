package io.visitorprofiler.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  private static final long T = 1_795_000_000_000L;

  @Test
  void areVersionSevenUuidsThatCarryTheirMillisecond() {
    UUID id = UUID.fromString(EventIds.next(T));
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(T);
  }

  @Test
  void sortByTimeAndDoNotRepeat() {
    assertThat(EventIds.next(T)).isLessThan(EventIds.next(T + 1));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(EventIds.next(T));
    }
    assertThat(ids).hasSize(100_000);
  }
}
