package io.visitorprofiler.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Which database failures the sink waits out and which mean a bad record; and that waiting out an
 * outage across a rebalance drops no record.
 */
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

  private static final TopicPartition P0 = new TopicPartition("vp.segment-changes.v1", 0);
  private static final TopicPartition P1 = new TopicPartition("vp.segment-changes.v1", 1);

  private static ConsumerRecord<String, byte[]> record(TopicPartition p, long offset) {
    return new ConsumerRecord<>(p.topic(), p.partition(), offset, "v" + offset, new byte[0]);
  }

  @Test
  void recordsOfPartitionsAssignedWhileWaitingOutAnOutageAreFetchedAgainAfterIt() {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.subscribe(List.of(P0.topic()));
    consumer.rebalance(List.of(P0));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.seek(P0, 0);
    // Inside the paused poll the group rebalances: P1 arrives, unpaused, with two records.
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          consumer.seek(P1, 0);
          consumer.addRecord(record(P1, 0));
          consumer.addRecord(record(P1, 1));
        });

    SinkLoop.waitPaused(consumer, Duration.ofMillis(10));

    assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    assertThat(consumer.position(P1)).isZero(); // rewound, not dropped
    consumer.resume(consumer.paused());
    consumer.addRecord(record(P1, 0));
    consumer.addRecord(record(P1, 1));
    ConsumerRecords<String, byte[]> after = consumer.poll(Duration.ofMillis(10));
    assertThat(after.records(P1)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
  }

  @Test
  void offsetsAreCommittedOnlyForPartitionsTheLoopStillOwns() {
    Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> records = new HashMap<>();
    records.put(P0, List.of(record(P0, 4), record(P0, 5)));
    records.put(P1, List.of(record(P1, 9)));
    ConsumerRecords<String, byte[]> batch = new ConsumerRecords<>(records, Map.of());

    assertThat(SinkLoop.committableOffsets(batch, Set.of(P0, P1)))
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(6), P1, new OffsetAndMetadata(10)));
    assertThat(SinkLoop.committableOffsets(batch, Set.of(P0)))
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
  }
}
