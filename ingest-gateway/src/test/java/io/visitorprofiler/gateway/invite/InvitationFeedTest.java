package io.visitorprofiler.gateway.invite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed skips a record it cannot read (one bad record must not stop every page's invitations)
 * and waits out a registry outage on the record it met it with.
 */
class InvitationFeedTest {
  private static final String TOPIC = "vp.invitations.v1";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  /** Kafka's mock, which has no offsetsForTimes: the lookback finds offset 0. */
  private final MockConsumer<String, byte[]> consumer =
      new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
        @Override
        public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
            Map<TopicPartition, Long> times) {
          return Map.of(P0, new OffsetAndTimestamp(0, NOW.toEpochMilli()));
        }
      };

  private final AtomicBoolean registryDown = new AtomicBoolean();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private InvitationFeed feed;

  /** "bad" is no invitation; anything else is the id of one, unless the registry is down. */
  private final Deserializer<Invitation> values =
      (topic, bytes) -> {
        String id = new String(bytes, StandardCharsets.UTF_8);
        if (registryDown.get()) {
          throw new SerializationException(
              "cannot fetch schema", new SchemaRegistryException("no answer", 0, 0, null));
        }
        if (id.equals("bad")) {
          throw new SerializationException("unknown magic byte");
        }
        return new Invitation(
            id, "demo", "v-1", "s", null, "hi", NOW, NOW.plus(Duration.ofMinutes(5)));
      };

  @AfterEach
  void stop() throws InterruptedException {
    if (feed != null) {
      feed.close();
    }
  }

  @Test
  void anUnreadableRecordIsSkippedAndCountedAndTheFeedStaysUp() {
    start();
    add(0, "inv-1");
    add(1, "bad");
    add(2, "inv-2");

    await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
    assertThat(delivered).containsExactly("inv-1", "inv-2");
    assertThat(metrics.get("vp.gateway.invitations.unreadable").counter().count()).isEqualTo(1);
    assertThat(feed.check().up()).isTrue();
  }

  @Test
  void aRegistryOutageIsWaitedOutOnTheSameRecord() {
    registryDown.set(true);
    start();
    add(0, "inv-1");
    add(1, "inv-2");

    await().atMost(Duration.ofSeconds(10)).until(() -> !feed.check().up());
    assertThat(feed.check().detail()).contains("schema registry");
    assertThat(delivered).isEmpty();

    registryDown.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
    assertThat(delivered).containsExactly("inv-1", "inv-2");
    assertThat(feed.check().up()).isTrue();
    assertThat(metrics.get("vp.gateway.invitations.unreadable").counter().count()).isZero();
  }

  private void start() {
    consumer.updatePartitions(
        TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(P0, 0L));
    feed =
        new InvitationFeed(
            () -> consumer,
            values,
            TOPIC,
            invitation -> delivered.add(invitation.getInvitationId()),
            Duration.ofMinutes(2),
            Duration.ofMillis(50),
            Clock.fixed(NOW, java.time.ZoneOffset.UTC),
            metrics);
    feed.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.check().up());
  }

  private void add(long offset, String value) {
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, offset, "v-1", value.getBytes(StandardCharsets.UTF_8))));
  }
}
