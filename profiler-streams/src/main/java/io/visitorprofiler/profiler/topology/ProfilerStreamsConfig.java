package io.visitorprofiler.profiler.topology;

import io.visitorprofiler.profiler.ProfilerSettings;
import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of the profiler: exactly once, bounded RocksDB, dead letters. */
public final class ProfilerStreamsConfig {
  /** The producers' batch size unless the operator sets one (Kafka's default is 16 KiB). */
  static final int PRODUCER_BATCH_BYTES = 128 * 1024;

  /**
   * How long the broker may hold the stream threads' fetches unless the operator says otherwise
   * (Kafka's default is 500 ms).
   */
  static final int FETCH_MAX_WAIT_MS = 20;

  /**
   * How often the stream threads commit unless the operator says otherwise (Kafka Streams' default
   * under exactly-once is 100 ms): a change is visible to read_committed consumers only after the
   * commit, so this is the floor of the event-to-segment-change latency.
   */
  static final long COMMIT_INTERVAL_MS = 50;

  private ProfilerStreamsConfig() {}

  /**
   * @param advertisedHost host:port where this instance answers interactive queries for others
   */
  public static Properties of(ProfilerSettings settings, String advertisedHost) {
    Properties props = new Properties();
    props.putAll(settings.kafka()); // pass-through first: SASL, TLS, anything a cluster needs
    props.putAll(settings.serdeConfig()); // the dead-letter handler's serializer reads these
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost);
    // An operator's own setter (VP_KAFKA_ROCKSDB_CONFIG_SETTER) replaces ours, bounds and all.
    props.putIfAbsent(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, ProfilerRocksDbConfig.class);
    if (settings.rocksDbMemoryBytes() > 0) {
      props.put(ProfilerRocksDbConfig.MEMORY_BYTES, String.valueOf(settings.rocksDbMemoryBytes()));
    }
    props.put(ProfilerRocksDbConfig.LOW_PRIORITY, String.valueOf(settings.rocksDbLowPriority()));
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // A consumer has one fetch in flight per broker, and it leaves out the partitions it still
    // holds records of. When that fetch asks only for idle partitions (erasures, a quiet chat
    // partition), the broker holds it for fetch.max.wait.ms, and clickstream that arrived meanwhile
    // waits for the next fetch: up to Kafka's 500 ms, again and again under load. Held 20 ms, an
    // idle fetch costs a small request instead.
    mainConsumerDefault(props, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    producerDefault(props, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // One evaluation writes a change record per transition (5.8 per event at 1,000 rules in the
    // benchmark) besides the changelogs: with 16 KiB batches the producers opened thousands of
    // batches a second, each with its own 128 KiB of LZ4 buffers, and the broker appended each.
    producerDefault(props, ProducerConfig.BATCH_SIZE_CONFIG, PRODUCER_BATCH_BYTES);
    // Clickstream, chat and erasure partitions share a task; the latter two are sparse. Waiting to
    // interleave them by timestamp stalls a task on every empty fetch, so records are processed
    // as they arrive; each visitor's clock stays monotonic in the processor (late events clamp).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Half of Kafka's exactly-once interval: at a million visitors and half the maximum rate the
    // committed median was 50–76 ms against 92–104 ms with 100 ms (p99 291–449 against 359–593
    // ms), for twice the transactions and 5–10 % of the 1,000-rule maximum (decision 7).
    // VP_KAFKA_COMMIT_INTERVAL_MS sets another.
    props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    props.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1); // the broker's default
    return props;
  }

  /**
   * Our default for the producers' {@code name}, unless the operator set it, plainly or with Kafka
   * Streams' {@code producer.} prefix (which would otherwise lose to ours).
   */
  private static void producerDefault(Properties props, String name, Object value) {
    clientDefault(props, StreamsConfig.producerPrefix(name), value, name);
  }

  /**
   * Our default for the stream threads' consumers' {@code name}, unless the operator set it
   * plainly, with the {@code consumer.} prefix of all of Kafka Streams' consumers or with the
   * {@code main.consumer.} prefix (ours, under the last, would win over the first two).
   */
  private static void mainConsumerDefault(Properties props, String name, Object value) {
    clientDefault(
        props,
        StreamsConfig.mainConsumerPrefix(name),
        value,
        name,
        StreamsConfig.consumerPrefix(name));
  }

  /** Puts {@code key} unless the operator set it or any of the {@code alsoTheOperators} keys. */
  private static void clientDefault(
      Properties props, String key, Object value, String... alsoTheOperators) {
    if (props.containsKey(key) || Arrays.stream(alsoTheOperators).anyMatch(props::containsKey)) {
      return;
    }
    props.put(key, value);
  }
}
