package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Correcting client event times by the clock skew measured on their batch. */
class ClockSkewTest {
  private static final long RECEIVED_AT = 1_795_860_000_000L;

  @Test
  void theSkewIsTheReceiveTimeMinusTheSendTime() {
    assertThat(ClockSkew.skew(RECEIVED_AT, RECEIVED_AT - 6_000)).isEqualTo(6_000);
  }

  @Test
  void aClientClockAheadOfTheServerGivesANegativeSkew() {
    assertThat(ClockSkew.skew(RECEIVED_AT, RECEIVED_AT + 3_000)).isEqualTo(-3_000);
  }

  @Test
  void withoutSendTimeThereIsNoSkew() {
    assertThat(ClockSkew.skew(RECEIVED_AT, null)).isZero();
  }

  @Test
  void theEventTimeIsTheClientTimePlusTheSkew() {
    long clientTime = RECEIVED_AT - 10_000;

    assertThat(ClockSkew.eventTime(RECEIVED_AT, clientTime, 6_000)).isEqualTo(RECEIVED_AT - 4_000);
    assertThat(ClockSkew.eventTime(RECEIVED_AT, clientTime, -3_000))
        .isEqualTo(RECEIVED_AT - 13_000);
  }

  @Test
  void theEventTimeIsNeverAfterTheReceiveTime() {
    assertThat(ClockSkew.eventTime(RECEIVED_AT, RECEIVED_AT - 1_000, 6_000)).isEqualTo(RECEIVED_AT);
    assertThat(ClockSkew.eventTime(RECEIVED_AT, RECEIVED_AT + 3_600_000, 0)).isEqualTo(RECEIVED_AT);
  }

  @Test
  void withoutClientTimeTheEventTimeIsTheReceiveTime() {
    assertThat(ClockSkew.eventTime(RECEIVED_AT, null, 6_000)).isEqualTo(RECEIVED_AT);
  }

  @Test
  void aWholeBatchIsShiftedByTheSameSkew() {
    long sentAt = RECEIVED_AT - 60_000; // client clock one minute behind
    long skew = ClockSkew.skew(RECEIVED_AT, sentAt);

    assertThat(ClockSkew.eventTime(RECEIVED_AT, sentAt - 5_000, skew))
        .isEqualTo(RECEIVED_AT - 5_000);
    assertThat(ClockSkew.eventTime(RECEIVED_AT, sentAt - 1_000, skew))
        .isEqualTo(RECEIVED_AT - 1_000);
  }
}
