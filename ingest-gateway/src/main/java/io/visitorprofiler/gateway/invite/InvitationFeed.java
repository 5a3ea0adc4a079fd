package io.visitorprofiler.gateway.invite;

import io.visitorprofiler.runtime.health.HealthCheck;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.schemas.Invitation;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the invitation topic (no consumer group: each gateway instance sees all
 * invitations, so any instance can serve any visitor's page), starting {@code lookback} before now
 * so a restarted instance still has the recent ones, and hands them to the hub. Records that cannot
 * be read are skipped and counted by the consumer's deserializer wrapper.
 */
public final class InvitationFeed implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InvitationFeed.class);

  private final Supplier<Consumer<String, Invitation>> consumers;
  private final String topic;
  private final InvitationHub hub;
  private final Duration lookback;
  private final Clock clock;
  private final Thread thread;
  private volatile Consumer<String, Invitation> consumer;
  private volatile HealthStatus status = HealthStatus.down("starting");
  private volatile boolean running = true;

  public InvitationFeed(
      Supplier<Consumer<String, Invitation>> consumers,
      String topic,
      InvitationHub hub,
      Duration lookback,
      Clock clock) {
    this.consumers = consumers;
    this.topic = topic;
    this.hub = hub;
    this.lookback = lookback;
    this.clock = clock;
    this.thread = Thread.ofPlatform().daemon().name("invitation-feed").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    Duration backoff = Duration.ofSeconds(1);
    while (running) {
      try (Consumer<String, Invitation> c = consumers.get()) {
        consumer = c;
        assignFromLookback(c);
        status = HealthStatus.up("reading " + topic);
        backoff = Duration.ofSeconds(1);
        while (running) {
          for (ConsumerRecord<String, Invitation> record : c.poll(Duration.ofSeconds(1))) {
            if (record.value() != null) {
              hub.deliver(record.value());
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        status = HealthStatus.down(e.getClass().getSimpleName() + ": " + e.getMessage());
        log.warn("invitation feed failed; retrying in {}", backoff, e);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                ? Duration.ofSeconds(30)
                : backoff.multipliedBy(2);
      }
    }
  }

  private void assignFromLookback(Consumer<String, Invitation> c) {
    List<TopicPartition> partitions =
        c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " has no partitions (not created?)");
    }
    c.assign(partitions);
    long since = clock.millis() - lookback.toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(p -> times.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets =
        c.offsetsForTimes(times, Duration.ofSeconds(10));
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = offsets.get(partition);
      if (offset != null) {
        c.seek(partition, offset.offset());
      } else {
        c.seekToEnd(List.of(partition));
      }
    }
  }

  @Override
  public HealthStatus check() {
    return status;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    Consumer<String, Invitation> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    thread.join(Duration.ofSeconds(5));
  }
}
