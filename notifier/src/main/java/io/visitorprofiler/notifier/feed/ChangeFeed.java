package io.visitorprofiler.notifier.feed;

import io.visitorprofiler.runtime.health.HealthCheck;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the segment definitions (from the start: it is compacted, the whole
 * catalogue), of the segment changes and of the chat events (from the end: alerts, invitations and
 * agents' open chats are about now), without a consumer group, so every notifier instance can alert
 * any connected agent. A record that cannot be read is skipped and counted in the log; the feed
 * goes on.
 */
public final class ChangeFeed implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

  private final Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers;
  private final Deserializer<SegmentDefinition> definitionReader;
  private final Deserializer<SegmentChange> changeReader;
  private final Consumer<SegmentChange> onChange;
  private final Deserializer<ChatEvent> chatReader;
  private final Consumer<ChatEvent> onChat;
  private final Map<String, SegmentDefinition> definitions = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
  private volatile HealthStatus status = HealthStatus.down("starting");
  private volatile boolean running = true;

  public ChangeFeed(
      Supplier<org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers,
      Deserializer<SegmentDefinition> definitionReader,
      Deserializer<SegmentChange> changeReader,
      Consumer<SegmentChange> onChange,
      Deserializer<ChatEvent> chatReader,
      Consumer<ChatEvent> onChat) {
    this.consumers = consumers;
    this.chatReader = chatReader;
    this.onChat = onChat;
    this.definitionReader = definitionReader;
    this.changeReader = changeReader;
    this.onChange = onChange;
    this.thread = Thread.ofPlatform().daemon().name("change-feed").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** The current definition of a segment, or null. */
  public SegmentDefinition definition(String segmentId) {
    return definitions.get(segmentId);
  }

  private void run() {
    while (running) {
      try (org.apache.kafka.clients.consumer.Consumer<String, byte[]> c = consumers.get()) {
        consumer = c;
        List<TopicPartition> definitionPartitions =
            partitions(c, Topics.SEGMENT_DEFINITIONS.name());
        List<TopicPartition> changePartitions = partitions(c, Topics.SEGMENT_CHANGES.name());
        List<TopicPartition> chatPartitions = partitions(c, Topics.CHAT.name());
        List<TopicPartition> all = new ArrayList<>(definitionPartitions);
        all.addAll(changePartitions);
        all.addAll(chatPartitions);
        c.assign(all);
        c.seekToBeginning(definitionPartitions);
        c.seekToEnd(changePartitions);
        c.seekToEnd(chatPartitions);
        status = HealthStatus.up("reading segment changes");
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
      if (record.topic().equals(Topics.SEGMENT_DEFINITIONS.name())) {
        if (record.value() == null) {
          definitions.remove(record.key());
        } else {
          SegmentDefinition definition =
              definitionReader.deserialize(record.topic(), record.value());
          definitions.put(definition.getSegmentId(), definition);
        }
      } else if (record.value() == null) {
        return;
      } else if (record.topic().equals(Topics.CHAT.name())) {
        onChat.accept(chatReader.deserialize(record.topic(), record.value()));
      } else {
        onChange.accept(changeReader.deserialize(record.topic(), record.value()));
      }
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
