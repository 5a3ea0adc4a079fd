package io.visitorprofiler.testkit;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Every partition of a topic assigned to a test's consumer, read from its start or its end. */
public final class WholeTopic {
  private WholeTopic() {}

  /** Assigns every partition of {@code topic} to {@code consumer}, from its first record. */
  public static void assignFromStart(Consumer<?, ?> consumer, String topic) {
    consumer.seekToBeginning(assign(consumer, topic));
  }

  /**
   * Assigns every partition of {@code topic} to {@code consumer} and resolves their end offsets
   * now, before the run produces anything: only what the run causes is read.
   */
  public static void assignFromEnd(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions = assign(consumer, topic);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }

  private static List<TopicPartition> assign(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    return partitions;
  }
}
