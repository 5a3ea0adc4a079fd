package io.visitorprofiler.profiler.topology;

import io.visitorprofiler.profiler.ProfilerSettings;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.profiler.segment.SegmentEvaluator;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.schemas.serde.SegmentChangeEncoder;
import io.visitorprofiler.schemas.topic.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The profiler's topology, apart from its lifecycle: clickstream, chat and erasure requests (all
 * keyed and co-partitioned by visitor id) into one processor that keeps profiles and emits segment
 * changes; segment definitions into a global store every instance reads whole. Every processor and
 * store is named, so changelog topics stay stable across releases.
 */
public final class ProfilerTopology {
  public static final String PROFILES_STORE = "visitor-profiles";
  public static final String TIMERS_STORE = "visitor-timers";
  public static final String ONLINE_STORE = "online-visitors";
  public static final String DEFINITIONS_STORE = "segment-definitions";

  static final String CLICKSTREAM_SOURCE = "clickstream-source";
  static final String CHAT_SOURCE = "chat-source";
  static final String ERASURE_SOURCE = "erasure-source";
  static final String PROFILER = "visitor-profiler";
  static final String CHANGES_SINK = "segment-changes-sink";

  private ProfilerTopology() {}

  public static Topology build(
      ProfilerSettings settings,
      ProfilerSerdes serdes,
      SegmentRuleBook book,
      ProfilerMetrics metrics) {
    return build(
        settings,
        serdes,
        book,
        metrics,
        new SegmentEvaluator(
            settings.profiles(), settings.minDwell(), settings.fallbackTick(), metrics.registry()));
  }

  /** The topology with a given evaluator: tests give one that fails. */
  static Topology build(
      ProfilerSettings settings,
      ProfilerSerdes serdes,
      SegmentRuleBook book,
      ProfilerMetrics metrics,
      SegmentEvaluator evaluator) {
    SegmentRuleCompiler compiler = new SegmentRuleCompiler();

    StoreBuilder<KeyValueStore<String, io.visitorprofiler.schemas.VisitorProfile>> profiles =
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PROFILES_STORE), Serdes.String(), serdes.profiles());
    StoreBuilder<KeyValueStore<String, String>> timers =
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TIMERS_STORE), Serdes.String(), Serdes.String());
    StoreBuilder<KeyValueStore<String, Long>> online =
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ONLINE_STORE), Serdes.String(), Serdes.Long());
    StoreBuilder<KeyValueStore<String, io.visitorprofiler.schemas.SegmentDefinition>> definitions =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEFINITIONS_STORE),
                Serdes.String(),
                serdes.definitions())
            .withLoggingDisabled(); // a global store restores from its source topic

    Topology topology = new Topology();
    topology.addGlobalStore(
        definitions,
        "segment-definitions-source",
        new StringDeserializer(),
        serdes.definitions().deserializer(),
        Topics.SEGMENT_DEFINITIONS.name(),
        "segment-definitions-loader",
        () -> new DefinitionsLoader(book, compiler, metrics.registry()));

    topology.addSource(
        CLICKSTREAM_SOURCE,
        new StringDeserializer(),
        serdes.clickstream().deserializer(),
        Topics.CLICKSTREAM.name());
    topology.addSource(
        CHAT_SOURCE, new StringDeserializer(), serdes.chat().deserializer(), Topics.CHAT.name());
    topology.addSource(
        ERASURE_SOURCE,
        new StringDeserializer(),
        serdes.erasure().deserializer(),
        Topics.ERASURE_REQUESTS.name());
    SegmentChangeEncoder changes =
        new SegmentChangeEncoder(serdes.changes().serializer(), Topics.SEGMENT_CHANGES.name());
    topology.addProcessor(
        PROFILER,
        () ->
            new VisitorProcessor(
                book, settings.profiles(), evaluator, changes, settings.timerInterval(), metrics),
        CLICKSTREAM_SOURCE,
        CHAT_SOURCE,
        ERASURE_SOURCE);
    topology.addStateStore(profiles, PROFILER);
    topology.addStateStore(timers, PROFILER);
    topology.addStateStore(online, PROFILER);
    // The processor encodes its changes itself (SegmentChangeEncoder): those of one evaluation
    // share most of their bytes, which a serializer given one record at a time cannot know.
    topology.addSink(
        CHANGES_SINK,
        Topics.SEGMENT_CHANGES.name(),
        new StringSerializer(),
        new ByteArraySerializer(),
        PROFILER);
    return topology;
  }
}
