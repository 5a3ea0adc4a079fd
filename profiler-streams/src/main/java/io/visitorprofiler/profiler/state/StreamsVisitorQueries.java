package io.visitorprofiler.profiler.state;

import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.profiler.http.VisitorQueries;
import io.visitorprofiler.profiler.topology.ProfilerTopology;
import io.visitorprofiler.schemas.VisitorProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@link VisitorQueries} over the running Kafka Streams client's stores and metadata. */
public final class StreamsVisitorQueries implements VisitorQueries {
  private final KafkaStreams streams;
  private final HostInfo self;

  public StreamsVisitorQueries(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  @Override
  public Optional<VisitorProfile> localProfile(String visitorId) {
    return Optional.ofNullable(profiles().get(visitorId));
  }

  @Override
  public Optional<String> remoteOwner(String visitorId) {
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(
            ProfilerTopology.PROFILES_STORE, visitorId, new StringSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new ServiceUnavailableResponse("visitor state is being rebalanced; try again");
    }
    HostInfo owner = metadata.activeHost();
    return owner.equals(self) ? Optional.empty() : Optional.of(owner.host() + ":" + owner.port());
  }

  @Override
  public List<VisitorProfile> localOnline(String siteId, int limit) {
    return NewestOnline.of(store(ProfilerTopology.ONLINE_STORE), profiles(), siteId, limit);
  }

  @Override
  public List<String> otherInstances() {
    List<String> others = new ArrayList<>();
    for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
      if (!metadata.hostInfo().equals(self)) {
        others.add(metadata.host() + ":" + metadata.port());
      }
    }
    return others;
  }

  private ReadOnlyKeyValueStore<String, VisitorProfile> profiles() {
    return store(ProfilerTopology.PROFILES_STORE);
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    try {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
              name, QueryableStoreTypes.<String, V>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new ServiceUnavailableResponse(
          "state store " + name + " is not ready: " + e.getMessage());
    }
  }
}
