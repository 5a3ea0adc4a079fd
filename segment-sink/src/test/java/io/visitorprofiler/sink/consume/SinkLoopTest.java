package io.visitorprofiler.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which database failures the sink waits out and which mean a bad record. */
class SinkLoopTest {
  @Test
  void connectionAndResourceFailuresAreWaitedOut() {
    assertThat(SinkLoop.transientFailure(new SQLException("refused", "08001"))).isTrue();
    assertThat(SinkLoop.transientFailure(new SQLException("disk full", "53100"))).isTrue();
    assertThat(SinkLoop.transientFailure(new SQLException("shutting down", "57P01"))).isTrue();
    assertThat(SinkLoop.transientFailure(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(SinkLoop.transientFailure(new SQLTransientConnectionException("pool timeout")))
        .isTrue();
  }

  @Test
  void constraintAndDataFailuresMeanABadRecord() {
    assertThat(SinkLoop.transientFailure(new SQLException("check violated", "23514"))).isFalse();
    assertThat(SinkLoop.transientFailure(new SQLException("value too long", "22001"))).isFalse();
  }

  @Test
  void theSinkReadsEveryTopicItMaterialises() {
    assertThat(SinkLoop.topics())
        .containsExactlyInAnyOrder(
            "vp.segment-changes.v1",
            "vp.chat.v1",
            "vp.invitations.v1",
            "vp.clickstream.v1",
            "vp.erasure-requests.v1");
  }
}
