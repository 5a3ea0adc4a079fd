package io.visitorprofiler.gateway.invite;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.runtime.health.HealthCheck;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the invitation topic (no consumer group: each gateway instance sees all
 * invitations, so any instance can serve any visitor's page), starting {@code lookback} before now
 * so a restarted instance still has the recent ones, and hands them on. A record that cannot be
 * read is skipped and counted: one bad record must not stop every page's invitations. A schema
 * registry outage is waited out on the record it was met with, nothing skipped.
 */
public final class InvitationFeed implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InvitationFeed.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Deserializer<Invitation> values;
  private final String topic;
  private final java.util.function.Consumer<Invitation> deliver;
  private final Duration lookback;
  private final Duration firstBackoff;
  private final Clock clock;
  private final Counter unreadable;
  private final Thread thread;
  private volatile Consumer<String, byte[]> consumer;
  private volatile HealthStatus status = HealthStatus.down("starting");
  private volatile boolean running = true;
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param deliver where each invitation goes (the hub)
   * @param firstBackoff the wait after a failure, doubling up to 30 s while it lasts
   */
  public InvitationFeed(
      Supplier<Consumer<String, byte[]>> consumers,
      Deserializer<Invitation> values,
      String topic,
      java.util.function.Consumer<Invitation> deliver,
      Duration lookback,
      Duration firstBackoff,
      Clock clock,
      MeterRegistry metrics) {
    this.consumers = consumers;
    this.values = values;
    this.topic = topic;
    this.deliver = deliver;
    this.lookback = lookback;
    this.firstBackoff = firstBackoff;
    this.clock = clock;
    this.unreadable =
        Counter.builder("vp.gateway.invitations.unreadable")
            .description("Invitation records skipped because they could not be read")
            .register(metrics);
    this.thread = Thread.ofPlatform().daemon().name("invitation-feed").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    Duration backoff = firstBackoff;
    while (running) {
      try (Consumer<String, byte[]> c = consumers.get()) {
        consumer = c;
        assignFromLookback(c);
        status = HealthStatus.up("reading " + topic);
        backoff = firstBackoff;
        Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
        while (running) {
          if (pending.isEmpty()) {
            c.poll(Duration.ofSeconds(1)).forEach(pending::add);
          }
          if (deliverPending(pending)) {
            backoff = firstBackoff;
          } else {
            pause(backoff); // the registry is down: the same record again after the wait
            backoff = longer(backoff);
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        status = HealthStatus.down(e.getClass().getSimpleName());
        log.warn("invitation feed failed; retrying in {}", backoff, e);
        try {
          pause(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = longer(backoff);
      }
    }
  }

  /** Hands on the pending records in order; false when the registry is down (they stay). */
  private boolean deliverPending(Deque<ConsumerRecord<String, byte[]>> pending) {
    for (ConsumerRecord<String, byte[]> record; (record = pending.peek()) != null; ) {
      if (record.value() != null) {
        Invitation invitation;
        try {
          invitation = values.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
          if (SchemaRegistryException.isOutage(e)) {
            status = HealthStatus.down("schema registry unavailable");
            log.warn("schema registry unavailable; invitations wait");
            return false;
          }
          invitation = null;
          unreadable.increment();
          log.warn(
              "invitation {}-{}@{} unreadable, skipped: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.getClass().getSimpleName());
        }
        if (invitation != null) {
          deliver.accept(invitation);
        }
      }
      pending.poll();
    }
    if (!status.up()) {
      status = HealthStatus.up("reading " + topic);
    }
    return true;
  }

  /** Waits, or less when the feed is closed. */
  private void pause(Duration wait) throws InterruptedException {
    closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Duration longer(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private void assignFromLookback(Consumer<String, byte[]> c) {
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
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    closing.countDown(); // out of a back-off's wait (not an interrupt: the consumer's close
    // would be cut short by it)
    thread.join(Duration.ofSeconds(5));
  }
}
