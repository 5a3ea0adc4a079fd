package io.visitorprofiler.profiler.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicReconciler;
import io.visitorprofiler.profiler.ProfilerSettings;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.profiler.topology.ProfilerMetrics;
import io.visitorprofiler.profiler.topology.ProfilerSerdes;
import io.visitorprofiler.profiler.topology.ProfilerStreamsConfig;
import io.visitorprofiler.profiler.topology.ProfilerTopology;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.ApicurioRegistryProcess;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import io.visitorprofiler.testkit.SlowestSeconds;
import io.visitorprofiler.testkit.StolenCpu;
import io.visitorprofiler.testkit.ThreadCpu;
import io.visitorprofiler.testkit.WholeTopic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.tools.ConsumerPerformance;

/**
 * The profiler's end-to-end benchmark ({@code ./vp bench profiler}). On one machine, broker
 * included: generates realistic visitors into the input topics, measures Kafka's own
 * ConsumerPerformance on the same topic as the baseline, then the topology's sustained events/s
 * with each rule-set size, the latency from an event's send to its segment change's arrival at half
 * the maximum rate, and the RocksDB bytes per visitor.
 */
public final class ProfilerBenchmark {
  /** How many of the busiest thread groups a phase names. */
  private static final int THREAD_GROUPS_SHOWN = 8;

  /** How often the paced phases' producer wakes to send what fell due. */
  private static final long SEND_TICK_NANOS = 1_000_000;

  private final Shop shop;
  private final int visitors;
  private final List<Integer> ruleCounts;
  private final int threads;
  private final int latencySeconds;
  private int topologyRuns;
  private int latencyPhases;
  private final Path work;
  private final Map<String, String> extraEnv;
  private String bootstrap;
  private String registryUrl;

  private ProfilerBenchmark(
      Shop shop,
      int visitors,
      List<Integer> ruleCounts,
      int threads,
      int latencySeconds,
      Path work,
      Map<String, String> extraEnv) {
    this.shop = shop;
    this.extraEnv = extraEnv;
    this.latencySeconds = latencySeconds;
    this.visitors = visitors;
    this.ruleCounts = ruleCounts;
    this.threads = threads;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    // The site and rule mix: a catalogue of a hundred pages since session 22, or the small shop
    // every figure before it was measured on.
    Shop shop = Shop.named(options.getOrDefault("--mix", Shop.CATALOGUE.name()));
    int visitors = Integer.parseInt(options.getOrDefault("--visitors", "1000000"));
    List<Integer> rules =
        Arrays.stream(options.getOrDefault("--rules", "10,100,1000").split(","))
            .map(Integer::parseInt)
            .toList();
    int threads = Integer.parseInt(options.getOrDefault("--threads", "2"));
    // A minute: the first seconds of a paced phase were its slowest, a p99 of their own in 20 s.
    int latencySeconds = Integer.parseInt(options.getOrDefault("--latency-seconds", "60"));
    Path work = Files.createTempDirectory("vp-profiler-bench");
    // Any VP_* setting of the service can be tried: --env VP_KAFKA_COMMIT_INTERVAL_MS=1000
    Map<String, String> extraEnv = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--env")) {
        String[] kv = args[i + 1].split("=", 2);
        extraEnv.put(kv[0], kv[1]);
      }
    }
    try {
      new ProfilerBenchmark(shop, visitors, rules, threads, latencySeconds, work, extraEnv).run();
    } finally {
      Utils.delete(work.toFile()); // the registry's log and whatever state a failed run left
    }
    System.exit(0);
  }

  private void run() throws Exception {
    KafkaClusterTestKit cluster = KafkaClusterExtension.start(1);
    bootstrap = cluster.bootstrapServers();
    ApicurioRegistryProcess registry =
        ApicurioRegistryProcess.start(
            SchemaRegistryExtension.freePort(), work.resolve("registry.log"));
    registryUrl = registry.confluentApiUrl();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      new TopicReconciler(admin, Duration.ofSeconds(60))
          .reconcile(
              TopicCatalog.bundled(
                  new TopicCatalog.Overrides(OptionalInt.of(1), OptionalInt.of(1))),
              TopicReconciler.Mode.APPLY);
    }
    System.out.printf(
        "profiler benchmark: %,d visitors of the %s shop (%d pages, %d cities, %d search phrases, %d"
            + " SKUs), rule sets %s, %d stream threads, 2 cores shared with the broker%n",
        visitors,
        shop.name(),
        shop.paths().length,
        shop.cities().length,
        shop.keywords().length,
        shop.skus(),
        ruleCounts,
        threads);

    long[] produced = generate();
    long events = produced[0] + produced[1];
    double baseline = consumerPerformance(Topics.CLICKSTREAM.name(), produced[0]);
    System.out.printf(
        "baseline  Kafka ConsumerPerformance on %s: %,.0f records/s%n",
        Topics.CLICKSTREAM.name(), baseline);

    List<String> previous = new ArrayList<>();
    // In run order: a rule set may be given more than once (--rules 10,1000,10,1000), so that
    // each 1,000-rule run has a 10-rule run next to it on a machine whose speed drifts.
    record Run(int rules, double rate) {}
    List<Run> runs = new ArrayList<>();
    boolean warm = false;
    boolean latencyMeasured = false;
    for (int count : ruleCounts) {
      List<SegmentDefinition> rules =
          RuleSetGenerator.rules(shop, count, Instant.now().minusSeconds(3600));
      publish(rules, previous);
      // Said in every run: on the small shop the constants cycle, so large sets repeat conditions.
      System.out.printf(
          "rules     %,d rules: %,d distinct conditions%n",
          count, rules.stream().map(SegmentDefinition::getCondition).distinct().count());
      previous = rules.stream().map(SegmentDefinition::getSegmentId).toList();
      if (!warm) {
        // One unmeasured pass first: on two cores the JIT compiles for most of the first pass, and
        // a cold first rule set would flatter the ratio of the others to it.
        runTopology("warm-up", count, events, false);
        warm = true;
      }
      // Latency once, on the first run of its rule set; --latency-seconds 0 skips it.
      boolean latency = latencySeconds > 0 && count == latencyRuleCount() && !latencyMeasured;
      latencyMeasured |= latency;
      runs.add(new Run(count, runTopology(count + " rules", count, events, latency)));
    }
    System.out.println();
    System.out.println("summary");
    System.out.printf("  baseline (ConsumerPerformance)   %,10.0f records/s%n", baseline);
    double lastTen = 0;
    for (Run run : runs) {
      System.out.printf(
          "  topology, %4d rules             %,10.0f events/s  (%.0f%% of baseline)%n",
          run.rules(), run.rate(), 100 * run.rate() / baseline);
      if (run.rules() == 10) {
        lastTen = run.rate();
      } else if (run.rules() == 1000 && lastTen > 0) {
        System.out.printf("  1000 rules / 10 rules            %10.2f%n", run.rate() / lastTen);
      }
    }
    registry.stop();
    cluster.close();
  }

  private int latencyRuleCount() {
    return ruleCounts.contains(100) ? 100 : ruleCounts.getFirst();
  }

  /** Produces every visitor's events; returns {clickstream, chat} record counts. */
  private long[] generate() {
    long[] counts = new long[2];
    VisitorGenerator generator = new VisitorGenerator(shop, 42, Instant.now());
    long start = System.nanoTime();
    try (KafkaProducer<String, SpecificRecord> producer = producer(5)) {
      generator.inTimeOrder(
          0,
          visitors,
          Long.MAX_VALUE,
          record -> {
            counts[record instanceof ChatEvent ? 1 : 0]++;
            VisitorGenerator.Envelope event = VisitorGenerator.envelopeOf(record);
            producer.send(
                new ProducerRecord<>(
                    event.topic(), null, event.time().toEpochMilli(), event.visitorId(), record));
          });
      producer.flush();
      double avgSize =
          producer.metrics().entrySet().stream()
              .filter(
                  m ->
                      m.getKey().name().equals("record-size-avg")
                          && m.getKey().group().equals("producer-metrics"))
              .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue())
              .findFirst()
              .orElse(0);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "generated %,d clickstream + %,d chat events for %,d visitors in %.1f s (%,.0f events/s, avg record %.0f bytes)%n",
          counts[0], counts[1], visitors, seconds, (counts[0] + counts[1]) / seconds, avgSize);
    }
    return counts;
  }

  private double consumerPerformance(String topic, long messages) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ConsumerPerformance.main(
          new String[] {
            "--bootstrap-server",
            bootstrap,
            "--topic",
            topic,
            "--messages",
            String.valueOf(messages),
            "--timeout",
            "120000"
          });
    } finally {
      System.setOut(original);
    }
    // Header "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
    // ..." then one line of values; log lines may be mixed in.
    String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].contains("nMsg.sec")) {
        List<String> header = Arrays.stream(lines[i].split(",")).map(String::trim).toList();
        String[] values = lines[i + 1].split(",");
        return Double.parseDouble(values[header.indexOf("nMsg.sec")].trim());
      }
    }
    throw new IllegalStateException("no result from ConsumerPerformance:\n" + captured);
  }

  private void publish(List<SegmentDefinition> rules, List<String> previous) {
    // Produced as the gateway produces (5 ms linger): one request per event would make the broker
    // answer ten thousand produce requests a second on the cores the topology is measured on.
    try (KafkaProducer<String, SpecificRecord> producer = producer(5)) {
      for (String id : previous) {
        producer.send(new ProducerRecord<>(Topics.SEGMENT_DEFINITIONS.name(), id, null));
      }
      for (SegmentDefinition rule : rules) {
        producer.send(
            new ProducerRecord<>(Topics.SEGMENT_DEFINITIONS.name(), rule.getSegmentId(), rule));
      }
      producer.flush();
    }
  }

  private double runTopology(String run, int ruleCount, long events, boolean measureLatency)
      throws Exception {
    // Its own group and state for every run: a rule set given twice must not resume the first.
    String name = run.replace(' ', '-') + "-" + ++topologyRuns;
    String applicationId = "bench-" + name;
    Path stateDir = work.resolve("state-" + name);
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("VP_SCHEMA_REGISTRY_URL", registryUrl);
    env.put("VP_PROFILER_APPLICATION_ID", applicationId);
    env.put("VP_PROFILER_STATE_DIR", stateDir.toString());
    env.put("VP_PROFILER_THREADS", String.valueOf(threads));
    env.put("VP_HTTP_PORT", "0");
    // No wall-clock punctuation in the measured runs. The events' times are those of the
    // generation, so the clock passes them during the runs, and each rule set would fire the
    // timers of whatever visitors were due by the time its turn came: the last set ran with the
    // offline timers of all visitors (42 % of its thread at 1,000 rules), the first with none.
    // Timers due between a visitor's events still fire, on the next event (catch-up).
    env.put("VP_PROFILER_TIMER_INTERVAL", "1h");
    env.putAll(extraEnv);
    ProfilerSettings settings = ProfilerSettings.fromEnv(new EnvConfig(env));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    SegmentRuleBook book = new SegmentRuleBook();
    Properties props = ProfilerStreamsConfig.of(settings, "127.0.0.1:1");
    KafkaStreams streams =
        new KafkaStreams(
            ProfilerTopology.build(
                settings,
                ProfilerSerdes.over(new SchemaRegistryClient(SchemaRegistryConfig.of(registryUrl))),
                book,
                new ProfilerMetrics(meters)),
            props);
    streams.start();
    long first = 0;
    StreamThreadTime firstTime = null;
    ThreadCpu firstThreads = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (processed(meters) < events && System.nanoTime() < deadline) {
      if (first == 0 && processed(meters) > 0) {
        first = System.nanoTime();
        firstTime = StreamThreadTime.of(streams, meters);
        firstThreads = ThreadCpu.now();
      }
      Thread.sleep(first == 0 ? 20 : 200);
    }
    long last = System.nanoTime();
    StreamThreadTime lastTime = StreamThreadTime.of(streams, meters);
    ThreadCpu lastThreads = ThreadCpu.now();
    double rate = (processed(meters) - 0) / ((last - first) / 1e9);
    double evaluations = meters.counter("profiler.rule.evaluations").count();
    System.out.printf(
        "topology  %10s: %,d events in %.1f s = %,.0f events/s; %.1f rules visited and %.1f CEL"
            + " evaluations per event; %,.0f transitions%n",
        run,
        (long) processed(meters),
        (last - first) / 1e9,
        rate,
        meters.counter("profiler.rules.visited").count() / events,
        evaluations / events,
        meters.find("profiler.transitions").counters().stream().mapToDouble(c -> c.count()).sum());
    if (firstTime != null) {
      System.out.printf("topology  %10s: %s%n", run, lastTime.since(firstTime, threads));
      System.out.printf(
          "topology  %10s: this JVM's threads used %s%n",
          run, lastThreads.since(firstThreads, THREAD_GROUPS_SHOWN));
    }
    int stored = visitors; // the latency phases add visitors of their own
    if (measureLatency) {
      // The same paced load twice: the first let the JIT compile the paced path (on two
      // cores it was still taking a quarter of the machine), the second is measured.
      int next = latency(streams, meters, rate / 2, 20, visitors, "latency   warm-up");
      stored = latency(streams, meters, rate / 2, latencySeconds, next, "latency  ");
    }
    streams.close(Duration.ofSeconds(60));
    long bytes = storeBytes(stateDir, ProfilerTopology.PROFILES_STORE);
    long allBytes = storeBytes(stateDir, "");
    System.out.printf(
        "state     %10s: profiles store %,d bytes on disk = %.0f bytes per visitor (all stores %.0f)%n",
        run, bytes, (double) bytes / stored, (double) allBytes / stored);
    // Measured: a run's state is a gigabyte with a million visitors, and runs used to leave theirs.
    Utils.delete(stateDir.toFile());
    return rate;
  }

  private static double processed(SimpleMeterRegistry meters) {
    return meters.find("profiler.events").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /**
   * Events for fresh visitors at a fixed rate; time from append to the change's append and commit.
   * Returns the index of the first visitor it did not use.
   */
  private int latency(
      KafkaStreams streams,
      SimpleMeterRegistry meters,
      double rate,
      int seconds,
      int firstVisitor,
      String label)
      throws Exception {
    int count = (int) (rate * seconds);
    // Each event's id is tagged with the phase and its index in it, so that its changes find its
    // slot in these arrays; a late change of another phase's event is not counted. Arrays, not a
    // map of ids and a list of pairs: millions of small live objects kept G1 marking through the
    // phase, on the cores the topology is measured on.
    String tag = "~p" + (++latencyPhases) + "-";
    AtomicLongArray appendedAt = new AtomicLongArray(count); // nanoTime; 0 until appended
    // Two readers of the changes: one sees a change once it is appended (read_uncommitted), as the
    // target is defined, the other once its transaction commits (read_committed), as a downstream
    // consumer does; the difference is the wait for the commit of exactly-once processing.
    ChangeReader appended = new ChangeReader(IsolationLevel.READ_UNCOMMITTED, tag, appendedAt);
    ChangeReader visible = new ChangeReader(IsolationLevel.READ_COMMITTED, tag, appendedAt);
    // The same mix of visitors as the throughput run (new ids), paced at the given rate; an
    // event's latency is measured on the changes it caused.
    // The phase's visitors arrive from now on (visitor n arrives 3n ms after the generator's
    // start). Numbered after the throughput run's million, they used to arrive 50 minutes ahead of
    // the clock; past an hour the broker refused their changes, which stopped the client until the
    // processor timed changes no later than its clock.
    VisitorGenerator generator =
        new VisitorGenerator(
            shop, 7, Instant.now().minusMillis(VisitorGenerator.ARRIVAL_MS * firstVisitor));
    // Encoded before the clock starts, as the gateway's harness prepares its requests: the load
    // generator's own Avro encoding took a tenth of the two cores the topology is measured on.
    // Encoded as generated, so no decoded copy of the load lives on to be collected mid-phase.
    AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();
    avro.configure(Map.of(SchemaRegistryConfig.URL, registryUrl), false);
    EncodedEvents encoded = new EncodedEvents(count);
    int v =
        generator.inTimeOrder(
            firstVisitor,
            Integer.MAX_VALUE - firstVisitor,
            count,
            record -> {
              VisitorGenerator.Envelope event = VisitorGenerator.envelopeOf(record);
              VisitorGenerator.tagEventId(record, event.eventId() + tag + encoded.size());
              encoded.add(event.topic(), event.visitorId(), avro.serialize(event.topic(), record));
            });
    System.gc(); // the generator's garbage, before the clock starts rather than during the phase
    long phaseStart = System.nanoTime();
    // The phase's start on the wall clock, to match a slow second with GC and broker logs.
    LocalTime phaseStartClock = LocalTime.now().withNano(0);
    StolenCpu stolen = StolenCpu.from(phaseStart);
    RocksDbBacklog rocksDb = new RocksDbBacklog(streams, phaseStart);
    StreamThreadTime before = StreamThreadTime.of(streams, meters);
    StreamThreadTime after;
    ThreadCpu threadsBefore = ThreadCpu.now();
    ThreadCpu threadsAfter;
    // Produced as the gateway produces (5 ms linger): one request per event would make the broker
    // answer ten thousand produce requests a second on the cores the topology is measured on.
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProps(5), new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      long interval = (long) (1e9 / rate);
      pace(producer, encoded, appendedAt, start, interval);
      long behind = System.nanoTime() - (start + encoded.size() * interval);
      after = StreamThreadTime.of(streams, meters);
      threadsAfter = ThreadCpu.now();
      rocksDb.close(); // the phase's seconds, not the wait for its last changes
      producer.flush();
      System.out.printf(
          "latency   producer finished %.1f s after its schedule; all appended %.1f s after it%n",
          behind / 1e9, (System.nanoTime() - (start + encoded.size() * interval)) / 1e9);
    }
    // Events that change no segment never get an answer: wait until changes stop arriving.
    long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long seen = -1;
    while (System.nanoTime() < waitUntil) {
      Thread.sleep(2_000);
      long answered = visible.answered();
      if (answered == seen) {
        break;
      }
      seen = answered;
    }
    appended.close();
    visible.close();
    if (stolen != null) {
      stolen.close();
    }
    System.out.printf(
        "%s at %,.0f events/s (the same visitor mix) for %d s: %,d events caused changes;"
            + " append->first change processed %s; appended %s; committed (visible) %s%n",
        label,
        rate,
        seconds,
        visible.answered(),
        appended.processedPercentiles(),
        appended.percentiles(),
        visible.percentiles());
    long[] latency = visible.latency;
    SlowestSeconds slowest = new SlowestSeconds();
    for (int i = 0; i < count; i++) {
      if (latency[i] != 0) {
        slowest.add((appendedAt.get(i) - phaseStart) / 1_000_000_000L, latency[i]);
      }
    }
    System.out.printf(
        "%s slowest seconds (committed, by the event's append; s0 began at %s): %s%n",
        label, phaseStartClock, slowest.describe(stolen));
    System.out.printf("%s RocksDB: %s%n", label, rocksDb.describe());
    System.out.printf("%s while paced, %s%n", label, after.since(before, threads));
    // Whether "half the maximum" left a core idle: the broker, the harness's own producer and
    // reader, RocksDB's background threads and the JIT share the two cores with the topology.
    System.out.printf(
        "%s while paced, this JVM's threads used %s%n",
        label, threadsAfter.since(threadsBefore, THREAD_GROUPS_SHOWN));
    return v;
  }

  /**
   * Sends each event at its due time, {@code interval} nanoseconds after the one before, from
   * {@code start} on: every event due by now, then parked for a tick. Not spinning: a spinning
   * generator took one of the two cores the topology and the broker need. Not parked per event:
   * 35,000 wake-ups a second took the harness's thread 0.14 cores, against 0.07 with a tick. Events
   * come in bursts of about 35 a millisecond at these rates (a gateway's requests bring up to 20 at
   * once), and each one's due time counts from the start, so oversleeping is caught up by the next
   * tick.
   */
  private static void pace(
      KafkaProducer<byte[], byte[]> producer,
      EncodedEvents encoded,
      AtomicLongArray appendedAt,
      long start,
      long interval) {
    for (int next = 0; next < encoded.size(); ) {
      next = sendDue(producer, encoded, appendedAt, next, (System.nanoTime() - start) / interval);
      if (next < encoded.size()) {
        LockSupport.parkNanos(SEND_TICK_NANOS);
      }
    }
  }

  /**
   * Sends the events from {@code next} up to and including {@code last} (or all that are left);
   * returns the index of the first one not sent. Methods of their own, as the readers' poll: the
   * warm-up phase compiles them, where the loops inside {@link #latency} made C2 compile that whole
   * method again in each phase (JFR: 2.1 s of C2 in the measured phase's first two seconds, its
   * slowest; 0.8 s in its 16th with only the pacing loop left there).
   */
  private static int sendDue(
      KafkaProducer<byte[], byte[]> producer,
      EncodedEvents encoded,
      AtomicLongArray appendedAt,
      int next,
      long last) {
    int end = (int) Math.min(encoded.size(), last + 1);
    for (int i = next; i < end; i++) {
      // Latency counts from the event's append (the broker's acknowledgement), as the target is
      // defined, so that producer-side queueing is not charged to the topology.
      int index = i;
      producer.send(
          encoded.record(i),
          (metadata, error) -> {
            if (error == null) {
              appendedAt.set(index, System.nanoTime());
            }
          });
    }
    return Math.max(next, end);
  }

  /**
   * Reads the changes from the end of the topic while a phase runs and records, per event of the
   * phase, the time from its append to the arrival of the first change it caused.
   */
  private final class ChangeReader implements AutoCloseable {
    final long[] latency; // to the first change; 0 for none
    // To the processing of the event that caused the first change: the change's emittedAt, Kafka
    // Streams' cached clock, read when the task began the batch the event was in (milliseconds),
    // so a lower bound; the wait for the producer's batch and the commit begins there.
    final long[] processed;
    private final String tag;
    private final AtomicLongArray appendedAt;
    // nanoTime of the wall clock's epoch, to place a change's emittedAt on the append's clock
    private final long epochNanos;
    private final AtomicBoolean done = new AtomicBoolean();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    ChangeReader(IsolationLevel isolation, String tag, AtomicLongArray appendedAt)
        throws InterruptedException {
      this.latency = new long[appendedAt.length()];
      this.processed = new long[appendedAt.length()];
      this.tag = tag;
      this.appendedAt = appendedAt;
      Instant now = Instant.now();
      this.epochNanos = System.nanoTime() - (now.getEpochSecond() * 1_000_000_000L + now.getNano());
      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
      // One fetch in flight per broker: held for Kafka's 500 ms when it asked only for quiet
      // partitions, it would delay the changes of the others and charge that to the topology.
      props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
      AvroDeserializer<SegmentChange> changes = new AvroDeserializer<>(SegmentChange.class);
      changes.configure(Map.of(SchemaRegistryConfig.URL, registryUrl), false);
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("changes-" + isolation.name().toLowerCase(Locale.ROOT))
              .start(
                  () -> {
                    try (KafkaConsumer<String, SegmentChange> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), changes)) {
                      WholeTopic.assignFromEnd(consumer, Topics.SEGMENT_CHANGES.name());
                      positioned.countDown();
                      while (!done.get()) {
                        record(consumer.poll(Duration.ofMillis(10)));
                      }
                    }
                  });
      if (!positioned.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "the " + isolation + " reader of the changes did not start");
      }
    }

    /** Notes, for each event of the phase, the arrival of the first change it caused. */
    private void record(ConsumerRecords<String, SegmentChange> changes) {
      for (var change : changes) {
        if (change.value().getCause() != ChangeCause.EVENT) {
          // A timer's change names the visitor's last event as its cause, but that event did
          // not cause it: time did, seconds or minutes later.
          continue;
        }
        long arrived = System.nanoTime();
        int i = indexOf(change.value().getCauseEventId(), tag);
        if (i >= 0 && i < latency.length && latency[i] == 0) {
          long sent = appendedAt.get(i);
          if (sent != 0) {
            latency[i] = Math.max(1, arrived - sent);
            long emitted = epochNanos + change.value().getEmittedAt().toEpochMilli() * 1_000_000L;
            processed[i] = Math.max(1, emitted - sent);
          }
        }
      }
    }

    /** Events with a change so far (read while running: a figure to wait on, not a result). */
    long answered() {
      return Arrays.stream(latency).filter(l -> l != 0).count();
    }

    String percentiles() {
      return percentiles(latency);
    }

    String processedPercentiles() {
      return percentiles(processed);
    }

    private static String percentiles(long[] latency) {
      long[] sorted = Arrays.stream(latency).filter(l -> l != 0).sorted().toArray();
      return String.format(
          "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms",
          SlowestSeconds.percentile(sorted, 0.50),
          SlowestSeconds.percentile(sorted, 0.99),
          SlowestSeconds.percentile(sorted, 0.999));
    }

    @Override
    public void close() throws InterruptedException {
      done.set(true);
      thread.join();
    }
  }

  /** The index tagged on a cause event id by a phase with {@code tag}, or -1 for another's. */
  private static int indexOf(String causeEventId, String tag) {
    int at = causeEventId.lastIndexOf(tag);
    if (at < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(causeEventId, at + tag.length(), causeEventId.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long storeBytes(Path stateDir, String store) throws IOException {
    try (Stream<Path> files = Files.walk(stateDir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> store.isEmpty() || f.toString().contains("/rocksdb/" + store + "/"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  private Map<String, Object> producerProps(int lingerMs) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
    return props;
  }

  private KafkaProducer<String, SpecificRecord> producer(int lingerMs) {
    Map<String, Object> props = producerProps(lingerMs);
    AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    serializer.configure(Map.of(SchemaRegistryConfig.URL, registryUrl), false);
    return new KafkaProducer<>(props, new StringSerializer(), serializer);
  }
}
