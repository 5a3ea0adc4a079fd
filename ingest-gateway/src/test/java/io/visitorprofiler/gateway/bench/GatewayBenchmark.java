package io.visitorprofiler.gateway.bench;

import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.BenchmarkStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * The gateway's load harness: realistic tracker batches posted over keep-alive connections to a
 * gateway in this JVM, a real KRaft broker in this JVM and Apicurio beside it, all on the same
 * cores. In the same run Kafka's own ProducerPerformance writes the same number of records of the
 * same average size with the gateway's producer settings: the baseline. Then the gateway at half of
 * its measured maximum, open loop (latency from each request's scheduled time, so a stall is not
 * hidden), and finally the count of records on the topics against the events answered 202.
 *
 * <p>{@code ./vp bench gateway [--events N] [--batch N] [--connections N] [--seconds N]}
 */
public final class GatewayBenchmark {
  private static final Pattern RECORDS_PER_SEC = Pattern.compile("([\\d.]+) records/sec");
  private static final String USER_AGENT =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36";

  private final long events;
  private final int batch;
  private final int connections;
  private final int latencySeconds;
  private String bootstrap;
  private URI endpoint;

  private GatewayBenchmark(long events, int batch, int connections, int latencySeconds) {
    this.events = events;
    this.batch = batch;
    this.connections = connections;
    this.latencySeconds = latencySeconds;
  }

  public static void main(String[] args) throws Exception {
    long events = 600_000;
    int batch = 20;
    int connections = 16;
    int seconds = 20;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Long.parseLong(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    new GatewayBenchmark(events, batch, connections, seconds).run();
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
    Main.Gateway gateway =
        Main.Gateway.start(GatewaySettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());
    endpoint = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/events");
    System.out.printf(
        "gateway benchmark: %,d events in batches of %d over %d keep-alive connections;"
            + " broker, registry, gateway and load on %d cores%n",
        events, batch, connections, Runtime.getRuntime().availableProcessors());

    List<byte[]> bodies =
        new BatchGenerator(42)
            .batches(2_000, batch).stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList();
    long before = recordsOnTopics();
    warmUp(bodies);
    long afterWarmUp = recordsOnTopics();
    Throughput max = maxThroughput(bodies);
    long recordsAfterMax = recordsOnTopics();
    double recordSize = averageRecordSize();
    double baseline = producerPerformance(max.accepted, (int) Math.round(recordSize));
    Latency latency = halfRateLatency(bodies, max.eventsPerSecond / 2);
    long recordsAtEnd = recordsOnTopics();
    long acknowledged = max.accepted + latency.accepted + (afterWarmUp - before);

    System.out.println();
    System.out.printf(
        "  gateway, max (closed loop)        %,10.0f events/s  (%,d accepted, other answers %s)%n",
        max.eventsPerSecond, max.accepted, max.others);
    System.out.printf(
        "  baseline, Kafka ProducerPerformance %,8.0f records/s (%,d records of %.0f bytes, same producer settings)%n",
        baseline, max.accepted, recordSize);
    System.out.printf(
        "  ratio gateway / baseline          %10.2f   (target >= 0.60)%n",
        max.eventsPerSecond / baseline);
    System.out.printf(
        "  gateway at half rate (%,.0f events/s offered, %,.0f achieved): latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms (target p99 < 50 ms); other answers %s%n",
        max.eventsPerSecond / 2,
        latency.eventsPerSecond,
        latency.p50,
        latency.p99,
        latency.p999,
        latency.others);
    System.out.printf(
        "  answered 202: %,d events; on the topics: %,d records; missing: %,d%n",
        acknowledged, recordsAtEnd - before, Math.max(0, acknowledged - (recordsAtEnd - before)));
    if (recordsAfterMax - afterWarmUp != max.accepted) {
      System.out.printf(
          "  note: the maximum phase wrote %,d records for %,d accepted events%n",
          recordsAfterMax - afterWarmUp, max.accepted);
    }
    gateway.close();
    stack.close();
  }

  record Throughput(double eventsPerSecond, long accepted, Map<Integer, Long> others) {}

  record Latency(
      double eventsPerSecond,
      long accepted,
      double p50,
      double p99,
      double p999,
      Map<Integer, Long> others) {}

  private HttpRequest request(byte[] body) {
    return HttpRequest.newBuilder(endpoint)
        .header("Authorization", "Bearer demo-key")
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private void warmUp(List<byte[]> bodies) throws Exception {
    long target = Math.min(events / 5, 100_000);
    Throughput warm = closedLoop(bodies, target);
    System.out.printf(
        "warm-up: %,d events at %,.0f events/s%n", warm.accepted, warm.eventsPerSecond);
  }

  private Throughput maxThroughput(List<byte[]> bodies) throws Exception {
    return closedLoop(bodies, events);
  }

  /** Every connection posts as fast as the answers come until {@code total} events are sent. */
  private Throughput closedLoop(List<byte[]> bodies, long total) throws Exception {
    AtomicLong sent = new AtomicLong();
    LongAdder accepted = new LongAdder();
    Map<Integer, Long> others = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(connections);
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (sent.addAndGet(batch) <= total) {
                    byte[] body = bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()));
                    HttpResponse<Void> response =
                        http.send(request(body), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 202) {
                      accepted.add(batch);
                    } else {
                      others.merge(response.statusCode(), 1L, Long::sum);
                    }
                  }
                } catch (Exception e) {
                  others.merge(-1, 1L, Long::sum);
                } finally {
                  done.countDown();
                }
              });
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Throughput(accepted.sum() / seconds, accepted.sum(), others);
  }

  /** Requests at fixed times (open loop); latency counts from the scheduled time. */
  private Latency halfRateLatency(List<byte[]> bodies, double eventsPerSecond) throws Exception {
    double requestsPerSecond = eventsPerSecond / batch;
    int total = (int) (requestsPerSecond * latencySeconds);
    long intervalNanos = (long) (1e9 / requestsPerSecond);
    long[] latencies = new long[total];
    Arrays.fill(latencies, -1);
    LongAdder accepted = new LongAdder();
    Map<Integer, Long> others = new ConcurrentHashMap<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime() + 50_000_000;
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      int index = i;
      byte[] body = bodies.get(i % bodies.size());
      http.sendAsync(request(body), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                if (error == null && response.statusCode() == 202) {
                  accepted.add(batch);
                  latencies[index] = System.nanoTime() - due;
                } else {
                  others.merge(error == null ? response.statusCode() : -1, 1L, Long::sum);
                }
                done.countDown();
              });
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
    return new Latency(
        accepted.sum() / seconds,
        accepted.sum(),
        percentile(ok, 0.50),
        percentile(ok, 0.99),
        percentile(ok, 0.999),
        others);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
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
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.CLICKSTREAM.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
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

  private double producerPerformance(long records, int recordSize) throws Exception {
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
            "compression.type=lz4",
            "linger.ms=5",
            "batch.size=131072",
            "buffer.memory=67108864"
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
    return value;
  }
}
