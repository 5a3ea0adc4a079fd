package io.visitorprofiler.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches what the pipeline makes of the simulated visitors, as an analyst and an agent would: the
 * segment changes on {@code vp.segment-changes.v1} (read committed, from the demo's start) and the
 * alerts the notifier pushes to agent-1's console stream. Tallies both per segment.
 */
final class DemoMonitor implements AutoCloseable {
  static final String CHANGES_TOPIC = "vp.segment-changes.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Per segment: visitors entered and exited, and alerts pushed to the agent. */
  static final class SegmentTally {
    final LongAdder entered = new LongAdder();
    final LongAdder exited = new LongAdder();
    final LongAdder alerts = new LongAdder();

    boolean complete() {
      return entered.sum() > 0 && alerts.sum() > 0;
    }
  }

  private final Map<String, SegmentTally> tallies = new ConcurrentHashMap<>();
  private final Map<String, String> segmentNames;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final LongAdder changes = new LongAdder();
  private final LongAdder alerts = new LongAdder();
  private final KafkaConsumer<String, SegmentChange> consumer;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI alertStream;
  private final String agentToken;
  private Thread changeReader;
  private Thread alertReader;

  DemoMonitor(
      Map<String, String> segmentNames,
      Map<String, Object> kafka,
      String registryUrl,
      URI notifier,
      String agentId,
      String agentToken) {
    this.segmentNames = new LinkedHashMap<>(segmentNames);
    segmentNames.keySet().forEach(id -> tallies.put(id, new SegmentTally()));
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroDeserializer<SegmentChange> values = new AvroDeserializer<>(SegmentChange.class);
    values.configure(
        SchemaRegistryConfig.serdeConfig(registryUrl, java.util.Optional.empty()), false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    this.alertStream = notifier.resolve("/v1/agents/" + agentId + "/alerts");
    this.agentToken = agentToken;
  }

  /** Starts at the end of the topic: only what the demo causes is counted. */
  void start() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(CHANGES_TOPIC, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before visitors arrive
    changeReader = Thread.ofPlatform().daemon().name("demo-changes").start(this::readChanges);
    alertReader = Thread.ofPlatform().daemon().name("demo-alerts").start(this::readAlerts);
  }

  private void readChanges() {
    try {
      while (running.get()) {
        ConsumerRecords<String, SegmentChange> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (RecordDeserializationException e) {
          // A record the demo cannot read (the registry briefly unreachable): count on past it.
          System.err.println("demo: skipped an unreadable segment change: " + e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, SegmentChange> record : records) {
          SegmentChange change = record.value();
          if (change == null) {
            continue;
          }
          changes.increment();
          SegmentTally tally = tally(change.getSegmentId());
          (change.getTransition() == Transition.ENTERED ? tally.entered : tally.exited).increment();
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** agent-1's alert stream; reconnects after an outage with the last id seen. */
  private void readAlerts() {
    String lastId = null;
    while (running.get()) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(alertStream)
              .header("Accept", "text/event-stream")
              .header("Authorization", "Bearer " + agentToken);
      if (lastId != null) {
        request.header("Last-Event-ID", lastId);
      }
      try {
        HttpResponse<InputStream> answer =
            http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (answer.statusCode() != 200) {
          System.err.println("demo: the notifier refused agent-1's stream: " + answer.statusCode());
          Thread.sleep(2000);
          continue;
        }
        try (BufferedReader lines =
            new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
          String line;
          while (running.get() && (line = lines.readLine()) != null) {
            if (line.startsWith("id:")) {
              lastId = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
              JsonNode alert = JSON.readTree(line.substring(5).trim());
              alerts.increment();
              tally(alert.path("segmentId").asText()).alerts.increment();
            }
          }
        }
      } catch (IOException e) {
        sleepQuietly();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SegmentTally tally(String segmentId) {
    return tallies.computeIfAbsent(segmentId, id -> new SegmentTally());
  }

  long changes() {
    return changes.sum();
  }

  long alerts() {
    return alerts.sum();
  }

  /** The sample segments that have had an entry and an alert. */
  long segmentsComplete() {
    return segmentNames.keySet().stream().filter(id -> tallies.get(id).complete()).count();
  }

  int segmentCount() {
    return segmentNames.size();
  }

  /** A table of every segment of the site: entered, exited, alerts. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("  %-24s %8s %8s %8s%n", "segment", "entered", "exited", "alerts"));
    segmentNames.forEach(
        (id, name) -> {
          SegmentTally t = tallies.get(id);
          out.append(
              String.format(
                  "  %-24s %8d %8d %8d%s%n",
                  id,
                  t.entered.sum(),
                  t.exited.sum(),
                  t.alerts.sum(),
                  t.complete() ? "" : "   (waiting)"));
        });
    return out.toString();
  }

  @Override
  public void close() {
    if (!running.getAndSet(false)) {
      return;
    }
    consumer.wakeup();
    if (alertReader != null) {
      alertReader.interrupt();
    }
  }

  /** The site's segments (id → name) from the profiler's admin API. */
  static Map<String, String> segmentsOf(URI profiler, String adminToken, String siteId)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(profiler.resolve("/v1/segments?siteId=" + siteId))
                    .header("Authorization", "Bearer " + adminToken)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException(
          "profiler-streams answered " + answer.statusCode() + " for /v1/segments");
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (JsonNode d : JSON.readTree(answer.body())) {
      if (d.path("enabled").asBoolean(true)) {
        names.put(d.path("segmentId").asText(), d.path("name").asText());
      }
    }
    return names;
  }
}
