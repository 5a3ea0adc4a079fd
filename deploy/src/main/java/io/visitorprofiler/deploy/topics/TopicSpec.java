package io.visitorprofiler.deploy.topics;

import java.util.Map;
import java.util.TreeMap;

/**
 * The desired shape of one topic.
 *
 * @param configs every topic-level config this catalogue decides, including {@code cleanup.policy},
 *     {@code retention.ms} and {@code min.insync.replicas}
 */
public record TopicSpec(
    String name,
    String description,
    int partitions,
    short replicationFactor,
    Map<String, String> configs) {

  public TopicSpec {
    configs = Map.copyOf(new TreeMap<>(configs));
  }
}
