package io.visitorprofiler.notifier.feed;

import io.visitorprofiler.runtime.health.HealthCheck;
import io.visitorprofiler.runtime.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the topics the notifier follows, without a consumer group, so every
 * notifier instance sees everything and can serve any agent: compacted state (segment definitions)
 * from the start, events (segment changes, chats, invitations, answers) from the end, since alerts
 * and capacity are about now. A record that cannot be read is skipped and logged; the feed goes on.
 */
public final class ChangeFeed implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

  /** One followed topic: where to start, how to read a value, what to do with it. */
  public record Subscription<T extends SpecificRecord>(
      String topic,
      boolean fromStart,
      Deserializer<T> reader,
      Consumer<T> onRecord,
      Consumer<String> onTombstone) {
    void handle(ConsumerRecord<String, byte[]> record) {
      if (record.value() == null) {
        onTombstone.accept(record.key());
      } else {
        onRecord.accept(reader.deserialize(record.topic(), record.value()));
      }
    }
  }

  private final Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers;
  private final Map<String, Subscription<?>> subscriptions = new HashMap<>();
  private final Thread thread;
  private volatile org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
  private volatile HealthStatus status = HealthStatus.down("starting");
  private volatile boolean running = true;

  public ChangeFeed(
      Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers,
      List<Subscription<?>> subscriptions) {
    this.consumers = consumers;
    subscriptions.forEach(s -> this.subscriptions.put(s.topic(), s));
    this.thread = Thread.ofPlatform().daemon().name("change-feed").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try (org.apache.kafka.clients.consumer.Consumer<String, byte[]> c = consumers.get()) {
        consumer = c;
        List<TopicPartition> fromStart = new ArrayList<>();
        List<TopicPartition> fromEnd = new ArrayList<>();
        for (Subscription<?> s : subscriptions.values()) {
          (s.fromStart() ? fromStart : fromEnd).addAll(partitions(c, s.topic()));
        }
        List<TopicPartition> all = new ArrayList<>(fromStart);
        all.addAll(fromEnd);
        c.assign(all);
        c.seekToBeginning(fromStart);
        c.seekToEnd(fromEnd);
        status = HealthStatus.up("following " + subscriptions.keySet());
        while (running) {
          for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
            handle(record);
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        status = HealthStatus.down(e.getClass().getSimpleName());
        log.warn("change feed failed; retrying in 2 s", e);
        try {
          Thread.sleep(2000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private static List<TopicPartition> partitions(
      org.apache.kafka.clients.consumer.Consumer<String, byte[]> c, String topic) {
    List<TopicPartition> partitions =
        c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " has no partitions (not created?)");
    }
    return partitions;
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    try {
      subscriptions.get(record.topic()).handle(record);
    } catch (RuntimeException e) {
      log.warn(
          "skipped {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getClass().getSimpleName());
    }
  }

  @Override
  public HealthStatus check() {
    return status;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    var c = consumer;
    if (c != null) {
      c.wakeup();
    }
    thread.join(Duration.ofSeconds(5));
  }
}
