package io.visitorprofiler.gateway.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.gateway.enrich.DeviceDetector;
import io.visitorprofiler.gateway.enrich.EdgeEnricher;
import io.visitorprofiler.gateway.enrich.GeoLocator;
import io.visitorprofiler.gateway.enrich.ReferrerClassifier;
import io.visitorprofiler.gateway.enrich.RequestFacts;
import io.visitorprofiler.gateway.ingest.EventBatch;
import io.visitorprofiler.gateway.ingest.EventBatchReader;
import io.visitorprofiler.gateway.ingest.IncomingEvent;
import io.visitorprofiler.gateway.publish.OutgoingEvent;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.registry.InMemorySchemaRegistry;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's own work on a posted batch, without HTTP and Kafka, in nanoseconds per event on one
 * thread: reading and checking the JSON ({@link #read}), enrichment ({@link #enrich}), the Avro
 * encoding in the wire format ({@link #encode}), and the three together as a request does them
 * ({@link #pipeline}). The yardsticks, from the same run: Jackson reading the same bodies into its
 * own tree ({@link #jacksonTree}), and only walking their tokens ({@link #jacksonTokens}), the
 * least any reading of them costs.
 *
 * <p>The load harness ({@link GatewayBenchmark}) measures the whole gateway against Kafka's
 * producer, but its runs differ by a tenth or more from one to the next on this machine: too much
 * to see a change of a few percent in one part. This one sees it.
 *
 * <p>{@code ./vp bench gateway-pipeline [JMH options]}, e.g. {@code -f 2} for two forks.
 */
public class EventPipelineBenchmark extends JmhSettings {
  /** Events per batch, as in the load harness. */
  static final int EVENTS = 20;

  private static final int BATCHES = 256; // distinct bodies, a power of two
  private static final String SITE = "demo";
  private static final Map<String, String> HEADERS =
      Map.of("User-Agent", GatewayBenchmark.USER_AGENT);
  private static final UnaryOperator<String> HEADER = HEADERS::get;
  private static final String CLICKSTREAM = Topics.CLICKSTREAM.name();
  private static final String CHAT = Topics.CHAT.name();

  private final ObjectMapper json = ServiceHttpServer.JSON;
  private final EventBatchReader reader = new EventBatchReader(json, 500);
  private final EdgeEnricher enricher =
      new EdgeEnricher(
          GeoLocator.NONE, new DeviceDetector(10_000), new ReferrerClassifier(), false);
  private final AvroSerializer<SpecificRecord> serializer =
      new AvroSerializer<>(new InMemorySchemaRegistry(), true);

  private byte[][] bodies;
  private EventBatch[] batches;
  private List<List<OutgoingEvent>> records;
  private RequestFacts facts;
  private int next;

  @Setup
  public void setUp() {
    List<String> generated = new BatchGenerator(42).batches(BATCHES, EVENTS);
    bodies = new byte[BATCHES][];
    batches = new EventBatch[BATCHES];
    records = new ArrayList<>(BATCHES);
    facts = enricher.facts(System.currentTimeMillis(), "203.0.113.7", HEADER);
    for (int i = 0; i < BATCHES; i++) {
      bodies[i] = generated.get(i).getBytes(StandardCharsets.UTF_8);
      batches[i] = reader.read(bodies[i]);
      if (!batches[i].valid() || batches[i].events().size() != EVENTS) {
        throw new IllegalStateException("generated batch " + i + " not read whole");
      }
      List<OutgoingEvent> enriched = new ArrayList<>(EVENTS);
      for (IncomingEvent event : batches[i].events()) {
        enriched.add(
            new OutgoingEvent(
                topic(event), event.visitorId(), enricher.enrich(SITE, facts, 0, event)));
      }
      records.add(enriched);
    }
  }

  private static String topic(IncomingEvent event) {
    return event.type().chat() ? CHAT : CLICKSTREAM;
  }

  private int nextBatch() {
    int batch = next;
    next = (batch + 1) & (BATCHES - 1);
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public JsonNode jacksonTree() throws IOException {
    return json.readTree(bodies[nextBatch()]);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int jacksonTokens() throws IOException {
    int tokens = 0;
    try (JsonParser parser = json.createParser(bodies[nextBatch()])) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public EventBatch read() {
    return reader.read(bodies[nextBatch()]);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void enrich(Blackhole sink) {
    for (IncomingEvent event : batches[nextBatch()].events()) {
      sink.consume(enricher.enrich(SITE, facts, 0, event));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void encode(Blackhole sink) {
    for (OutgoingEvent event : records.get(nextBatch())) {
      sink.consume(serializer.serialize(event.topic(), event.value()));
    }
  }

  /** What a request does between reading its body and handing the records to the producer. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void pipeline(Blackhole sink) {
    long receivedAt = System.currentTimeMillis();
    EventBatch batch = reader.read(bodies[nextBatch()]);
    RequestFacts request = enricher.facts(receivedAt, "203.0.113.7", HEADER);
    for (IncomingEvent event : batch.events()) {
      sink.consume(serializer.serialize(topic(event), enricher.enrich(SITE, request, 0, event)));
    }
  }
}
