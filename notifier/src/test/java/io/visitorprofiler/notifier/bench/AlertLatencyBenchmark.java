package io.visitorprofiler.notifier.bench;

import io.visitorprofiler.notifier.Main;
import io.visitorprofiler.notifier.NotifierSettings;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.NotifySettings;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.BenchmarkStack;
import io.visitorprofiler.testkit.WholeTopic;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Segment change sent → alert received by each of {@code agents} connected consoles (SSE), for
 * {@code changes} changes at {@code rate} per second; in the same run the baseline, a plain Kafka
 * consumer's append → receive latency on the same records.
 *
 * <p>{@code ./vp bench notifier [--agents N] [--changes N] [--rate N]}
 */
public final class AlertLatencyBenchmark {
  private AlertLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int agents = 200;
    int changes = 300;
    int rate = 20;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--agents" -> agents = Integer.parseInt(args[i + 1]);
        case "--changes" -> changes = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    run(agents, changes, rate);
    System.exit(0);
  }

  private static void run(int agents, int changes, int rate) throws Exception {
    Path work = Files.createTempDirectory("vp-notifier-bench");
    BenchmarkStack stack = BenchmarkStack.start(work);
    String bootstrap = stack.bootstrapServers();
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", 0);
    props.put(SchemaRegistryConfig.URL, stack.registryUrl());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(props, false);
    KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(props, new StringSerializer(), values);
    producer
        .send(
            new ProducerRecord<>(
                Topics.SEGMENT_DEFINITIONS.name(),
                "bench",
                new SegmentDefinition(
                    "bench",
                    "demo",
                    "Bench",
                    "Bench",
                    "#123456",
                    50,
                    true,
                    "true",
                    1L,
                    null,
                    new NotifySettings(List.of(), List.of("sales"), true, true),
                    null,
                    Instant.now(),
                    "bench")))
        .get();

    StringBuilder agentSpec = new StringBuilder();
    for (int i = 0; i < agents; i++) {
      agentSpec
          .append(i == 0 ? "" : ";")
          .append("agent-")
          .append(i)
          .append(":token-")
          .append(i)
          .append("-bench:sales");
    }
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("VP_SCHEMA_REGISTRY_URL", stack.registryUrl());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_NOTIFIER_AGENTS", agentSpec.toString());
    env.put("VP_NOTIFIER_MUTE_FILE", work.resolve("mutes.json").toString());
    env.put("VP_KAFKA_FETCH_MAX_WAIT_MS", "10");
    Main.Notifier notifier =
        Main.Notifier.start(NotifierSettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());

    Map<String, Long> appended = new ConcurrentHashMap<>();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    CountDownLatch connected = new CountDownLatch(agents);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < agents; i++) {
      int agent = i;
      Thread.ofVirtual()
          .start(
              () -> {
                HttpRequest request =
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + notifier.port()
                                    + "/v1/agents/agent-"
                                    + agent
                                    + "/alerts?token=token-"
                                    + agent
                                    + "-bench"))
                        .header("Accept", "text/event-stream")
                        .build();
                try {
                  HttpResponse<InputStream> response =
                      http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      if (line.startsWith(": connected")) {
                        connected.countDown();
                      } else if (line.startsWith("data:")) {
                        long now = System.nanoTime();
                        int at = line.indexOf("\"changeId\":\"") + 12;
                        String changeId = line.substring(at, line.indexOf('"', at));
                        Long sent = appended.get(changeId);
                        if (sent != null) {
                          latencies.add(now - sent);
                        }
                        received.incrementAndGet();
                      }
                    }
                  }
                } catch (Exception e) {
                  // closed at the end
                }
              });
    }
    connected.await();
    Thread.sleep(2000); // the feed is at the end of the topic

    // Baseline: a plain consumer on the same topic, same records.
    List<Long> baseline = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread plain =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (KafkaConsumer<String, byte[]> consumer =
                      new KafkaConsumer<>(
                          Map.of("bootstrap.servers", bootstrap, "fetch.max.wait.ms", 10),
                          new StringDeserializer(),
                          new ByteArrayDeserializer())) {
                    WholeTopic.assignFromEnd(consumer, Topics.SEGMENT_CHANGES.name());
                    while (!Thread.currentThread().isInterrupted()) {
                      for (ConsumerRecord<String, byte[]> r :
                          consumer.poll(Duration.ofMillis(50))) {
                        Long sent =
                            appended.get(
                                new String(
                                    r.headers().lastHeader("bench-id").value(),
                                    StandardCharsets.UTF_8));
                        if (sent != null) {
                          baseline.add(System.nanoTime() - sent);
                        }
                      }
                    }
                  } catch (org.apache.kafka.common.errors.InterruptException e) {
                    // done
                  }
                });
    Thread.sleep(1000);

    System.out.printf(
        "notifier benchmark: %d connected agents, %d segment changes at %d/s (%,d alerts expected)%n",
        agents, changes, rate, (long) agents * changes);
    long interval = 1_000_000_000L / rate;
    int warm = Math.max(rate * 5, 50); // five seconds of warm-up, not measured
    long start = System.nanoTime();
    for (int i = -warm; i < changes; i++) {
      long due = start + (i + warm) * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      Instant now = Instant.now();
      String id = (i < 0 ? "warm" : "bench-") + i;
      SegmentChange change =
          new SegmentChange(
              id,
              "v-" + i,
              "demo",
              "bench",
              "Bench",
              1L,
              Transition.ENTERED,
              50,
              ChangeCause.EVENT,
              "e-" + i,
              now,
              now,
              List.of(),
              new ProfileSnapshot("Miami", "US", "https://shop.example/", 24.0, "USD", 1, null));
      ProducerRecord<String, SpecificRecord> record =
          new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), change.getVisitorId(), change);
      record.headers().add("bench-id", id.getBytes(StandardCharsets.UTF_8));
      if (i >= 0) {
        // From the moment the record is handed to the producer: includes the produce round trip,
        // so the figures are an upper bound of append -> alert.
        appended.put(id, System.nanoTime());
      }
      producer.send(record).get();
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (latencies.size() < (long) agents * changes && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    plain.interrupt();
    plain.join(5000);
    System.out.println();
    print("alerts (send -> received by each agent's console)", latencies, (long) agents * changes);
    print("baseline (send -> plain Kafka consumer)", baseline, changes);
    System.out.println("  target: alert p99 < 100 ms");
    producer.close();
    notifier.close();
    stack.close();
  }

  private static void print(String what, List<Long> samples, long expected) {
    long[] sorted;
    synchronized (samples) {
      sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    System.out.printf(
        "  %-55s n=%,d of %,d  p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms%n",
        what,
        sorted.length,
        expected,
        pct(sorted, 0.5),
        pct(sorted, 0.99),
        pct(sorted, 0.999),
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[i] / 1e6;
  }
}
