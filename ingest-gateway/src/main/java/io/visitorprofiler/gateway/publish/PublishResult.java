package io.visitorprofiler.gateway.publish;

/** How a batch fared: every event acknowledged by Kafka, or why not. */
public sealed interface PublishResult {
  /** Every event was written with acks=all. */
  record Acknowledged(int count) implements PublishResult {}

  /** The producer's bounded buffer is full; nothing of the batch was sent. */
  record Overloaded(String reason) implements PublishResult {}

  /**
   * The schema registry, which every event's encoding needs, cannot be reached or refuses this
   * gateway; nothing of the batch was sent.
   */
  record Unavailable(String reason) implements PublishResult {}

  /**
   * Kafka did not acknowledge every event in time; some may have been written (a retry can
   * duplicate them; event ids let consumers tell).
   */
  record Failed(String reason) implements PublishResult {}
}
