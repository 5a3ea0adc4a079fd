package io.visitorprofiler.profiler.state;

import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.http.SegmentDefinitions;
import io.visitorprofiler.profiler.topology.ProfilerTopology;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import io.visitorprofiler.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Definitions written to the compacted {@code vp.segment-definitions.v1} (acks=all) and read from
 * the global store every instance keeps of it. A record keyed under another id than its own
 * (written around the API) is not shown: the profiler ignores it too.
 */
public final class TopicSegmentDefinitions implements SegmentDefinitions {
  private final KafkaStreams streams;
  private final Producer<String, SegmentDefinition> producer;

  public TopicSegmentDefinitions(
      KafkaStreams streams, Producer<String, SegmentDefinition> producer) {
    this.streams = streams;
    this.producer = producer;
  }

  @Override
  public Optional<SegmentDefinition> get(String segmentId) {
    return Optional.ofNullable(store().get(segmentId))
        .filter(d -> d.getSegmentId().equals(segmentId));
  }

  @Override
  public List<SegmentDefinition> all() {
    List<SegmentDefinition> all = new ArrayList<>();
    try (KeyValueIterator<String, SegmentDefinition> it = store().all()) {
      it.forEachRemaining(
          kv -> {
            if (kv.value != null && kv.value.getSegmentId().equals(kv.key)) {
              all.add(kv.value);
            }
          });
    }
    return all;
  }

  @Override
  public void publish(String segmentId, SegmentDefinition definition) {
    try {
      producer
          .send(new ProducerRecord<>(Topics.SEGMENT_DEFINITIONS.name(), segmentId, definition))
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ServiceUnavailableResponse("Kafka did not take the definition: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableResponse("interrupted");
    } catch (KafkaException e) {
      // The serializer runs inside send(): a registry it cannot reach fails here, not in the
      // future.
      if (SchemaRegistryException.isOutage(e)) {
        throw new ServiceUnavailableResponse("the schema registry is unavailable; retry later");
      }
      throw e;
    }
  }

  private ReadOnlyKeyValueStore<String, SegmentDefinition> store() {
    try {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
              ProfilerTopology.DEFINITIONS_STORE,
              QueryableStoreTypes.<String, SegmentDefinition>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new ServiceUnavailableResponse("segment definitions are not loaded yet");
    }
  }
}
