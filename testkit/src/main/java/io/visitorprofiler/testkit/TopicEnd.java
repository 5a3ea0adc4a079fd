package io.visitorprofiler.testkit;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Where the benchmarks' readers start: at the end of a topic, so only what a run causes counts. */
public final class TopicEnd {
  private TopicEnd() {}

  /**
   * Assigns every partition of {@code topic} to {@code consumer} and resolves their end offsets
   * now, before the run produces anything.
   */
  public static void assignAtEnd(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }
}
