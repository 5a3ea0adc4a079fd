package io.visitorprofiler.gateway.bench;

import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.gateway.publish.ProducerSettings;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.BenchmarkStack;
import io.visitorprofiler.testkit.SlowestSeconds;
import io.visitorprofiler.testkit.StolenCpu;
import io.visitorprofiler.testkit.ThreadCpu;
import io.visitorprofiler.testkit.WholeTopic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * The gateway's load harness: realistic tracker batches posted over keep-alive connections to a
 * gateway in this JVM, a real KRaft broker in this JVM and Apicurio beside it, all on the same
 * cores: warm-up rounds of the gateway, Kafka's own ProducerPerformance with the same number of
 * records of the same average size and the gateway's producer settings (the baseline) and a round
 * of both, none of them measured; then rounds of the gateway's maximum (closed loop) and the
 * baseline, the gateway at half the mean maximum before the last baseline (open loop, latency from
 * each request's scheduled time, so a stall is not hidden); last the count of records on the topics
 * against the events answered 202.
 *
 * <p>The load is two platform threads ({@code --load-threads}), each an event loop over its share
 * of the connections ({@link LoadLoop}), opened once for the run; each round prints their CPU time
 * per event apart from the rest of the JVM's.
 *
 * <p>{@code ./vp bench gateway [--events N] [--batch N] [--connections N] [--load-threads N]
 * [--seconds N] [--rounds N] [--env VP_X=value]...}
 */
public final class GatewayBenchmark {
  private static final Pattern PRODUCE_LATENCY =
      Pattern.compile(
          "vp_gateway_produce_latency_seconds\\{[^}]*quantile=\"([\\d.]+)\"[^}]*} ([\\d.eE+-]+)");
  private static final Pattern RECORDS_PER_SEC = Pattern.compile("([\\d.]+) records/sec");

  /** The browser the load harness and the JMH benchmarks post as. */
  static final String USER_AGENT =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36";

  private static final int MAX_WARM_UP_ROUNDS = 30;
  private static final double MAX_JIT_SHARE = 0.03;

  /**
   * Thread groups named per round: the carriers of the virtual threads (the gateway's requests),
   * the producers' network threads, the broker's handlers and network threads, the JIT, the
   * collector, ProducerPerformance's own thread. (The load's loops end with their phase, before the
   * split is read: their time is printed on its own.)
   */
  private static final int THREAD_GROUPS = 7;

  private static final Duration WARM_UP_ROUND = Duration.ofSeconds(10);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long events;
  private final int batch;
  private final int connections;
  private final int loadThreads;
  private final int latencySeconds;
  private final int rounds;
  private final Map<String, String> extraEnv;
  private String bootstrap;
  private URI endpoint;
  private Map<String, Object> producerSettings;
  private List<LoadLoop> loops;

  private GatewayBenchmark(
      long events,
      int batch,
      int connections,
      int loadThreads,
      int latencySeconds,
      int rounds,
      Map<String, String> extraEnv) {
    this.events = events;
    this.batch = batch;
    this.connections = connections;
    this.loadThreads = loadThreads;
    this.latencySeconds = latencySeconds;
    this.rounds = rounds;
    this.extraEnv = extraEnv;
  }

  public static void main(String[] args) throws Exception {
    long events = 2_000_000;
    int batch = 20;
    // Enough requests in flight to keep both cores busy: with 64, each waiting for its batch's
    // linger and acknowledgement, the gateway's maximum used 1.5–1.6 cores.
    int connections = 256;
    // Two loops, so that one waiting for a core does not hold every connection. Measured with the
    // connections kept open, one loop did as well (session 25: ratios 0.64 and 0.66, against 0.66
    // with two, the same hour).
    int loadThreads = 2;
    int seconds = 20;
    int rounds = 3;
    Map<String, String> extraEnv = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Long.parseLong(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--load-threads" -> loadThreads = Math.max(1, Integer.parseInt(args[i + 1]));
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[i + 1]));
        case "--env" -> {
          String[] kv = args[i + 1].split("=", 2);
          extraEnv.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    new GatewayBenchmark(events, batch, connections, loadThreads, seconds, rounds, extraEnv).run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path work = Files.createTempDirectory("vp-gateway-bench");
    BenchmarkStack stack = BenchmarkStack.start(work);
    bootstrap = stack.bootstrapServers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic("bench.baseline", 12, (short) 1))).all().get();
    }
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("VP_SCHEMA_REGISTRY_URL", stack.registryUrl());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_GATEWAY_SITE_EVENTS_PER_SECOND", "0");
    env.put("VP_GATEWAY_ADDRESS_REQUESTS_PER_SECOND", "0");
    env.putAll(extraEnv);
    GatewaySettings settings = GatewaySettings.fromEnv(new EnvConfig(env));
    producerSettings = ProducerSettings.of(settings.kafka(), settings.ackTimeout());
    Main.Gateway gateway = Main.Gateway.start(settings, Clock.systemUTC());
    endpoint = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/events");
    loops = openLoadLoops();
    System.out.printf(
        "gateway benchmark: %,d events in batches of %d over %d keep-alive connections;"
            + " broker, registry, gateway and load on %d cores%n",
        events, batch, connections, Runtime.getRuntime().availableProcessors());

    List<byte[]> bodies =
        new BatchGenerator(42)
            .batches(2_000, batch).stream()
                .map(b -> LoadLoop.post(endpoint, USER_AGENT, b.getBytes(StandardCharsets.UTF_8)))
                .toList();
    long before = recordsOnTopics();
    warmUp(bodies);
    long afterWarmUp = recordsOnTopics();
    int recordSize = (int) Math.round(averageRecordSize());
    List<String> notes = new ArrayList<>();
    // Rounds of a maximum and a baseline, one after the other. Each moves from run to run on this
    // machine (in session 18 the baseline took 5.1 to 6.5 µs of CPU per record, the gateway 9.3 to
    // 11.0 µs per event), so the ratio of a single pair said as much about the minute it ran in as
    // about the gateway.
    // Both sides warmed before either is measured, and once more against each other: the JVM's
    // first ProducerPerformance compiled for 4.6 s of its run, and the gateway's first maximum
    // after the baselines had begun compiled for 2.3 s and took 13 % more CPU per event (the
    // producer's code, shared by both, is compiled again for what the other side sends).
    Baseline warmUp = producerPerformance(events, recordSize);
    Throughput settling = maxThroughput(bodies, 0, notes);
    Baseline settled = producerPerformance(settling.accepted, recordSize);
    System.out.printf(
        "warm-up, not measured: ProducerPerformance %,.0f records/s at %.1f µs per record (JIT"
            + " %,d ms); then the gateway at %,.0f events/s, %.1f µs per event (JIT %,d ms), and"
            + " ProducerPerformance at %,.0f records/s, %.1f µs per record (JIT %,d ms)%n",
        warmUp.recordsPerSecond(),
        warmUp.cpuMicrosPerRecord(),
        warmUp.jitMillis(),
        settling.eventsPerSecond,
        settling.cpuMicrosPerEvent,
        settling.jitMillis,
        settled.recordsPerSecond(),
        settled.cpuMicrosPerRecord(),
        settled.jitMillis());
    List<Round> measured = new ArrayList<>();
    Latency latency = null;
    String produceLatency = null;
    double maxima = 0;
    for (int i = 1; i <= rounds; i++) {
      Throughput max = maxThroughput(bodies, i, notes);
      maxima += max.eventsPerSecond;
      if (i == rounds) {
        // Latency right after a maximum, before a baseline: the first seconds after the
        // baseline's two million records were the slowest of a latency phase that followed it
        // (100-150 ms).
        latency = halfRateLatency(bodies, maxima / rounds / 2);
        produceLatency = produceLatency();
      }
      measured.add(new Round(max, producerPerformance(max.accepted, recordSize)));
    }
    long recordsAtEnd = recordsOnTopics();
    long acknowledged =
        measured.stream().mapToLong(r -> r.gateway().accepted()).sum()
            + settling.accepted
            + latency.accepted
            + (afterWarmUp - before);

    System.out.println();
    for (int i = 0; i < measured.size(); i++) {
      Round round = measured.get(i);
      System.out.printf(
          "  round %d: gateway max %,.0f events/s at %.1f µs of CPU per event (the load's loops"
              + " %.1f µs of it; %.0f ms stolen, JIT %,d ms), ProducerPerformance %,.0f records/s"
              + " at %.1f µs per record (JIT %,d ms): ratio %.2f%s%n",
          i + 1,
          round.gateway().eventsPerSecond(),
          round.gateway().cpuMicrosPerEvent(),
          round.gateway().loadCpuMicrosPerEvent(),
          round.gateway().stolenMillis(),
          round.gateway().jitMillis(),
          round.baseline().recordsPerSecond(),
          round.baseline().cpuMicrosPerRecord(),
          round.baseline().jitMillis(),
          round.ratio(),
          round.gateway().others().isEmpty() ? "" : "; other answers " + round.gateway().others());
      System.out.printf(
          "    by thread, gateway per event %s; ProducerPerformance per record %s%n",
          round.gateway().threads(), round.baseline().threads());
    }
    double gatewayRate = mean(measured, r -> r.gateway().eventsPerSecond());
    double baseline = mean(measured, r -> r.baseline().recordsPerSecond());
    double gatewayCpu = mean(measured, r -> r.gateway().cpuMicrosPerEvent());
    double baselineCpu = mean(measured, r -> r.baseline().cpuMicrosPerRecord());
    double loadCpu = mean(measured, r -> r.gateway().loadCpuMicrosPerEvent());
    System.out.printf(
        "  gateway, max (closed loop)        %,10.0f events/s  (mean of %d rounds of %,d events)%n",
        gatewayRate, measured.size(), events);
    System.out.printf(
        "  baseline, Kafka ProducerPerformance %,8.0f records/s (mean of %d rounds, each with the"
            + " records the round's gateway accepted, of %d bytes; the gateway's producer"
            + " settings: acks=all, idempotent, %s, linger %s ms)%n",
        baseline,
        measured.size(),
        recordSize,
        producerSettings.get(ProducerConfig.COMPRESSION_TYPE_CONFIG),
        producerSettings.get(ProducerConfig.LINGER_MS_CONFIG));
    System.out.printf(
        "  ratio gateway / baseline          %10.2f   (target >= 0.60; the rounds' ratios %s)%n",
        gatewayRate / baseline,
        String.join(" / ", measured.stream().map(r -> String.format("%.2f", r.ratio())).toList()));
    // Cores in use say whether a maximum was the machine's: a closed loop with too few
    // connections waits on its own round trips and leaves a core idle.
    System.out.printf(
        "  CPU of this JVM per event: gateway %.1f µs = %.2f cores (gateway, broker and load; the"
            + " load's loops %.1f µs), baseline %.1f µs = %.2f cores (producer and broker)%n",
        gatewayCpu,
        gatewayCpu * gatewayRate / 1e6,
        loadCpu,
        baselineCpu,
        baselineCpu * baseline / 1e6);
    System.out.printf(
        "  gateway at half the mean maximum, after the last (%,.0f events/s offered, %,.0f achieved): latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms (target p99 < 50 ms); other answers %s%n",
        gatewayRate / 2,
        latency.eventsPerSecond,
        latency.p50,
        latency.p99,
        latency.p999,
        latency.others);
    System.out.printf(
        "  slowest seconds of that phase (max latency): %s%n", latency.slowestSeconds);
    System.out.printf(
        "  of which waiting for Kafka's acknowledgement (the gateway's produce latency in its"
            + " window of about two minutes, read right after that phase, so with the last"
            + " maximum in it): %s%n",
        produceLatency);
    System.out.printf(
        "  answered 202: %,d events; on the topics: %,d records; missing: %,d%n",
        acknowledged, recordsAtEnd - before, Math.max(0, acknowledged - (recordsAtEnd - before)));
    notes.forEach(note -> System.out.printf("  note: %s%n", note));
    for (LoadLoop loop : loops) {
      loop.close();
    }
    gateway.close();
    stack.close();
  }

  /** A maximum and the baseline measured after it with the same number of records. */
  record Round(Throughput gateway, Baseline baseline) {
    double ratio() {
      return gateway.eventsPerSecond() / baseline.recordsPerSecond();
    }
  }

  record Baseline(
      double recordsPerSecond, double cpuMicrosPerRecord, long jitMillis, String threads) {}

  private static double mean(List<Round> rounds, ToDoubleFunction<Round> of) {
    return rounds.stream().mapToDouble(of).average().orElseThrow();
  }

  record Throughput(
      double eventsPerSecond,
      long accepted,
      Map<Integer, Long> others,
      double cpuMicrosPerEvent,
      double loadCpuMicrosPerEvent,
      double stolenMillis,
      long jitMillis,
      String threads) {}

  record Latency(
      double eventsPerSecond,
      long accepted,
      double p50,
      double p99,
      double p999,
      Map<Integer, Long> others,
      String slowestSeconds) {}

  private void warmUp(List<byte[]> requests) throws Exception {
    // Rounds of ten seconds until the JIT is done and the rate settles: on two busy cores it
    // compiles the gateway, the producer and the broker for two minutes and more, and the rate
    // keeps jumping while it does (a round at 100,000 events/s, the next at 140,000). A maximum
    // measured while it still compiles is not the maximum.
    double previous = 0;
    for (int i = 1; i <= MAX_WARM_UP_ROUNDS; i++) {
      Throughput warm = closedLoop(requests, Long.MAX_VALUE, WARM_UP_ROUND);
      double jitShare = warm.jitMillis / (double) WARM_UP_ROUND.toMillis();
      System.out.printf(
          "warm-up round %d: %,d events at %,.0f events/s, %.1f µs of CPU per event (the load's"
              + " loops %.1f µs of it), JIT compiling %.0f %% of the round%n",
          i,
          warm.accepted,
          warm.eventsPerSecond,
          warm.cpuMicrosPerEvent,
          warm.loadCpuMicrosPerEvent,
          jitShare * 100);
      boolean settled = Math.abs(warm.eventsPerSecond - previous) <= 0.03 * previous;
      if (i >= 3 && settled && jitShare < MAX_JIT_SHARE) {
        return;
      }
      previous = warm.eventsPerSecond;
    }
  }

  /**
   * The maximum of a round (closed loop, {@code events} events), with a note when it wrote another
   * number of records than it answered 202 for.
   */
  private Throughput maxThroughput(List<byte[]> requests, int round, List<String> notes)
      throws Exception {
    long before = recordsOnTopics();
    Throughput max = closedLoop(requests, events, Duration.ofHours(1));
    long written = recordsOnTopics() - before;
    if (written != max.accepted) {
      notes.add(
          String.format(
              "round %d's maximum wrote %,d records for %,d accepted events",
              round, written, max.accepted));
    }
    return max;
  }

  /**
   * Every connection posts as fast as the answers come until {@code total} events are sent or
   * {@code limit} has passed.
   */
  private Throughput closedLoop(List<byte[]> requests, long total, Duration limit)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    long cpuStart = processCpuNanos();
    long jitStart = jitMillis();
    ThreadCpu threadsStart = ThreadCpu.now();
    StolenCpu stolen = StolenCpu.from(start);
    Answers answers =
        onLoadLoops(
            requests,
            wakeUp ->
                new LoadLoop.Source() {
                  private final AtomicLong sent = new AtomicLong();
                  private final AtomicInteger next = new AtomicInteger();

                  @Override
                  public int next() {
                    if (sent.addAndGet(batch) > total || System.nanoTime() >= deadline) {
                      return -1;
                    }
                    // Ten seconds of warm-up are some 150,000 requests: no overflow.
                    return next.getAndIncrement();
                  }

                  @Override
                  public boolean exhausted() {
                    return sent.get() + batch > total || System.nanoTime() >= deadline;
                  }
                },
            (request, at) -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    long accepted = answers.accepted.sum();
    double cpuMicros = (processCpuNanos() - cpuStart) / 1e3 / Math.max(1, accepted);
    double stolenMillis = 0;
    if (stolen != null) {
      stolen.close();
      stolenMillis = stolen.total();
    }
    return new Throughput(
        accepted / seconds,
        accepted,
        answers.others,
        cpuMicros,
        answers.loadCpuNanos.sum() / 1e3 / Math.max(1, accepted),
        stolenMillis,
        jitMillis() - jitStart,
        ThreadCpu.now().perItem(threadsStart, accepted, THREAD_GROUPS));
  }

  /**
   * Requests due at fixed times (open loop), taken by the first free connection; latency counts
   * from the due time, so time spent waiting for a connection is part of it.
   */
  private Latency halfRateLatency(List<byte[]> requests, double eventsPerSecond) throws Exception {
    double requestsPerSecond = eventsPerSecond / batch;
    int total = (int) (requestsPerSecond * latencySeconds);
    long intervalNanos = (long) (1e9 / requestsPerSecond);
    long[] latencies = new long[total];
    Arrays.fill(latencies, -1);
    // The connections are open since the start of the run; the first request is due 50 ms after
    // the loops are given their source.
    AtomicInteger due = new AtomicInteger();
    AtomicLong startNanos = new AtomicLong();
    AtomicReference<StolenCpu> stolenCpu = new AtomicReference<>();
    AtomicReference<Thread> scheduler = new AtomicReference<>();
    Answers answers =
        onLoadLoops(
            requests,
            wakeUp -> {
              long start = System.nanoTime() + 50_000_000;
              stolenCpu.set(StolenCpu.from(start));
              startNanos.set(start);
              scheduler.set(
                  Thread.ofPlatform()
                      .name("load-scheduler")
                      .daemon(true)
                      .start(
                          () -> {
                            try {
                              for (int i = 0; i < total; i++) {
                                long wait = start + i * intervalNanos - System.nanoTime();
                                if (wait > 0) {
                                  Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                                due.incrementAndGet();
                                wakeUp.run();
                              }
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                          }));
              return new LoadLoop.Source() {
                private final AtomicInteger taken = new AtomicInteger();

                @Override
                public int next() {
                  for (int t = taken.get(); t < due.get(); t = taken.get()) {
                    if (taken.compareAndSet(t, t + 1)) {
                      if (t + 1 == total) {
                        // The other loops may be waiting for I/O with nothing out: they must see
                        // that the phase is over.
                        wakeUp.run();
                      }
                      return t;
                    }
                  }
                  return -1;
                }

                @Override
                public boolean exhausted() {
                  return taken.get() >= total;
                }
              };
            },
            (request, at) ->
                latencies[request] = at - (startNanos.get() + request * intervalNanos));
    scheduler.get().join();
    long start = startNanos.get();
    StolenCpu stolen = stolenCpu.get();
    if (stolen != null) {
      stolen.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
    return new Latency(
        answers.accepted.sum() / seconds,
        answers.accepted.sum(),
        SlowestSeconds.percentile(ok, 0.50),
        SlowestSeconds.percentile(ok, 0.99),
        SlowestSeconds.percentile(ok, 0.999),
        answers.others,
        slowestSeconds(latencies, intervalNanos, stolen));
  }

  /** The quantiles of {@code vp.gateway.produce.latency} from the gateway's own /metrics. */
  private String produceLatency() {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(endpoint.resolve("/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = PRODUCE_LATENCY.matcher(metrics);
      List<String> quantiles = new ArrayList<>();
      while (m.find()) {
        quantiles.add(
            String.format("p%s %.1f ms", m.group(1), Double.parseDouble(m.group(2)) * 1000));
      }
      return quantiles.isEmpty() ? "not published" : String.join(", ", quantiles);
    } catch (Exception e) {
      return "unavailable (" + e.getMessage() + ")";
    }
  }

  private static String slowestSeconds(long[] latencies, long intervalNanos, StolenCpu stolen) {
    SlowestSeconds slowest = new SlowestSeconds();
    for (int i = 0; i < latencies.length; i++) {
      if (latencies[i] >= 0) {
        slowest.add(i * intervalNanos / 1_000_000_000L, latencies[i]);
      }
    }
    return slowest.describe(stolen);
  }

  /** What one phase's requests were answered: events accepted, other statuses (-1: I/O error). */
  private final class Answers {
    final LongAdder accepted = new LongAdder();
    final Map<Integer, Long> others = new ConcurrentHashMap<>();

    /** CPU time of the threads that drove the load (they end with the phase). */
    final LongAdder loadCpuNanos = new LongAdder();

    /** Counts one answer; true when it was 202. */
    boolean count(int status) {
      if (status == 202) {
        accepted.add(batch);
        return true;
      }
      others.merge(status, 1L, Long::sum);
      return false;
    }
  }

  /** What the phase does with each request answered 202: its index and when its answer ended. */
  private interface Accepted {
    void accepted(int request, long nanoTime);
  }

  /**
   * Drives the connections from {@code loadThreads} platform threads, {@code load-loop-N}, each
   * with its share of them, with the requests {@code source} names (given what wakes the loops when
   * requests fall due), until it is exhausted and all are answered. The loops' CPU time is added to
   * the answers' {@code loadCpuNanos}.
   */
  private Answers onLoadLoops(
      List<byte[]> requests, Function<Runnable, LoadLoop.Source> source, Accepted accepted)
      throws Exception {
    Answers answers = new Answers();
    LoadLoop.Source shared = source.apply(() -> loops.forEach(LoadLoop::wakeup));
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < loops.size(); k++) {
      LoadLoop loop = loops.get(k);
      threads.add(
          Thread.ofPlatform()
              .name("load-loop-" + k)
              .start(
                  () -> {
                    try {
                      loop.run(
                          requests,
                          shared,
                          (request, status, at) -> {
                            if (answers.count(status)) {
                              accepted.accepted(request, at);
                            }
                          });
                    } catch (Exception e) {
                      failure.compareAndSet(null, e);
                    } finally {
                      answers.loadCpuNanos.add(THREADS.getCurrentThreadCpuTime());
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return answers;
  }

  /**
   * The load's keep-alive connections, opened once before the first phase and kept to the end, as
   * the tracker's browsers keep theirs: opening all of them at the start of each phase overflowed
   * Jetty's accept queue, and a connection whose SYN was dropped waited a second for its retry,
   * with every other connection of its loop idle behind it.
   */
  private List<LoadLoop> openLoadLoops() throws IOException {
    List<LoadLoop> opened = new ArrayList<>();
    for (int k = 0; k < loadThreads; k++) {
      LoadLoop loop =
          new LoadLoop(
              endpoint, connections / loadThreads + (k < connections % loadThreads ? 1 : 0));
      opened.add(loop);
      if (loop.unopened() > 0) {
        throw new IOException(loop.unopened() + " connections to the gateway could not be opened");
      }
    }
    return opened;
  }

  /** Time the JIT has spent compiling in this JVM, in milliseconds (its threads' time). */
  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** CPU time of this process: the gateway, the broker and the load all run in it. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private long recordsOnTopics() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.CLICKSTREAM.name(), Topics.CHAT.name())) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Average key + value size of the gateway's records (the Avro wire format). */
  private double averageRecordSize() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      WholeTopic.assignFromStart(consumer, Topics.CLICKSTREAM.name());
      long bytes = 0;
      long count = 0;
      long deadline = System.currentTimeMillis() + 10_000;
      while (count < 5_000 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          bytes += record.serializedKeySize() + record.serializedValueSize();
          count++;
        }
      }
      return count == 0 ? 300 : (double) bytes / count;
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private Baseline producerPerformance(long records, int recordSize) throws Exception {
    long cpuBefore = processCpuNanos();
    long jitBefore = jitMillis();
    ThreadCpu threadsBefore = ThreadCpu.now();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ProducerPerformance.main(
          new String[] {
            "--topic",
            "bench.baseline",
            "--num-records",
            String.valueOf(records),
            "--record-size",
            String.valueOf(recordSize),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all",
            "enable.idempotence=true",
            "compression.type=" + producerSettings.get(ProducerConfig.COMPRESSION_TYPE_CONFIG),
            "linger.ms=" + producerSettings.get(ProducerConfig.LINGER_MS_CONFIG),
            "batch.size=" + producerSettings.get(ProducerConfig.BATCH_SIZE_CONFIG),
            "buffer.memory=" + producerSettings.get(ProducerConfig.BUFFER_MEMORY_CONFIG)
          });
    } finally {
      System.setOut(original);
    }
    Matcher last = null;
    Matcher m = RECORDS_PER_SEC.matcher(captured.toString(StandardCharsets.UTF_8));
    double value = Double.NaN;
    while (m.find()) {
      last = m;
      value = Double.parseDouble(m.group(1));
    }
    if (last == null) {
      throw new IllegalStateException("no result from ProducerPerformance:\n" + captured);
    }
    return new Baseline(
        value,
        (processCpuNanos() - cpuBefore) / 1e3 / records,
        jitMillis() - jitBefore,
        ThreadCpu.now().perItem(threadsBefore, records, THREAD_GROUPS));
  }
}
