package io.visitorprofiler.profiler.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.profiler.ProfilerSettings;
import io.visitorprofiler.profiler.segment.SegmentEvaluator;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.registry.InMemorySchemaRegistry;
import io.visitorprofiler.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The profiler topology in a {@link TopologyTestDriver}, with typed inputs, the segment-change
 * output, the profile store, and a wall clock that starts at {@link Events#T0} and moves only when
 * a test says so.
 */
final class ProfilerDriver implements AutoCloseable {
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final TestInputTopic<String, ClickstreamEvent> clickstream;
  final TestInputTopic<String, ChatEvent> chat;
  final TestInputTopic<String, ErasureRequest> erasures;
  final TestInputTopic<String, SegmentDefinition> definitions;
  final TestOutputTopic<String, SegmentChange> changes;
  private Instant wallClock = Events.T0;

  ProfilerDriver() {
    this(Map.of());
  }

  ProfilerDriver(Map<String, String> env) {
    this(env, null);
  }

  /**
   * With the evaluator {@code evaluator} makes of the settings and the metrics, and processing
   * failures handled as Kafka's {@link LogAndContinueProcessingExceptionHandler} does (logged,
   * processing goes on), for tests of what a failure leaves behind.
   */
  ProfilerDriver(
      Map<String, String> env,
      BiFunction<ProfilerSettings, ProfilerMetrics, SegmentEvaluator> evaluator) {
    Map<String, String> settingsEnv = new HashMap<>(env);
    settingsEnv.putIfAbsent("VP_PROFILER_TIMER_INTERVAL", "1s");
    ProfilerSettings settings = ProfilerSettings.fromEnv(new EnvConfig(settingsEnv));
    ProfilerSerdes serdes = ProfilerSerdes.over(new InMemorySchemaRegistry());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "profiler-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    ProfilerMetrics metrics = new ProfilerMetrics(meters);
    SegmentRuleBook book = new SegmentRuleBook();
    Topology topology;
    if (evaluator == null) {
      topology = ProfilerTopology.build(settings, serdes, book, metrics);
    } else {
      props.put(
          StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
          LogAndContinueProcessingExceptionHandler.class);
      topology =
          ProfilerTopology.build(
              settings, serdes, book, metrics, evaluator.apply(settings, metrics));
    }
    driver = new TopologyTestDriver(topology, props, Events.T0);
    clickstream =
        driver.createInputTopic(
            Topics.CLICKSTREAM.name(), new StringSerializer(), serdes.clickstream().serializer());
    chat =
        driver.createInputTopic(
            Topics.CHAT.name(), new StringSerializer(), serdes.chat().serializer());
    erasures =
        driver.createInputTopic(
            Topics.ERASURE_REQUESTS.name(), new StringSerializer(), serdes.erasure().serializer());
    definitions =
        driver.createInputTopic(
            Topics.SEGMENT_DEFINITIONS.name(),
            new StringSerializer(),
            serdes.definitions().serializer());
    changes =
        driver.createOutputTopic(
            Topics.SEGMENT_CHANGES.name(),
            new StringDeserializer(),
            serdes.changes().deserializer());
  }

  void define(SegmentDefinition definition) {
    definitions.pipeInput(definition.getSegmentId(), definition, wallClock);
    tick();
  }

  void delete(String segmentId) {
    definitions.pipeInput(segmentId, null, wallClock);
    tick();
  }

  void send(ClickstreamEvent event) {
    clickstream.pipeInput(event.getVisitorId(), event, event.getEventTime());
  }

  void send(ChatEvent event) {
    chat.pipeInput(event.getVisitorId(), event, event.getEventTime());
  }

  /** Moves the wall clock to {@code at}, firing punctuations on the way (one per second). */
  void clockTo(Instant at) {
    while (wallClock.isBefore(at)) {
      Duration step = Duration.ofSeconds(1);
      wallClock = wallClock.plus(step);
      driver.advanceWallClockTime(step);
    }
  }

  void tick() {
    wallClock = wallClock.plusSeconds(1);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
  }

  /** Every change emitted since the last call, as "visitor segment TRANSITION". */
  List<String> transitions() {
    return changes.readValuesToList().stream()
        .map(c -> c.getVisitorId() + " " + c.getSegmentId() + " " + c.getTransition())
        .toList();
  }

  List<SegmentChange> changeRecords() {
    return changes.readValuesToList();
  }

  VisitorProfile profile(String visitorId) {
    KeyValueStore<String, VisitorProfile> store =
        driver.getKeyValueStore(ProfilerTopology.PROFILES_STORE);
    return store.get(visitorId);
  }

  double counter(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    driver.close();
  }
}
