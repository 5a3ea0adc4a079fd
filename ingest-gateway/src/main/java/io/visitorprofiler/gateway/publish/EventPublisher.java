package io.visitorprofiler.gateway.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Publishes a batch and answers only when Kafka acknowledged every event of it (the producer runs
 * with acks=all and idempotence). Events in flight are bounded: a batch that does not get its
 * permits within {@code admissionWait} is refused as {@link PublishResult.Overloaded} before
 * anything of it is sent, so memory never grows with a slow or absent broker.
 */
public final class EventPublisher implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final Serializer<SpecificRecord> values;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private final Duration admissionWait;
  private final Duration ackTimeout;
  private final Timer ackLatency;

  public EventPublisher(
      Producer<String, byte[]> producer,
      Serializer<SpecificRecord> values,
      int maxInFlight,
      Duration admissionWait,
      Duration ackTimeout,
      MeterRegistry metrics) {
    this.producer = producer;
    this.values = values;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.admissionWait = admissionWait;
    this.ackTimeout = ackTimeout;
    this.ackLatency =
        Timer.builder("vp.gateway.produce.latency")
            .description("From handing a batch to the producer to Kafka acknowledging all of it")
            .publishPercentiles(0.5, 0.99, 0.999)
            .register(metrics);
    metrics.gauge("vp.gateway.events.in.flight", inFlight, s -> maxInFlight - s.availablePermits());
  }

  /** Serializes, sends and waits for every acknowledgement (blocking; call on a virtual thread). */
  public PublishResult publish(List<OutgoingEvent> events) throws InterruptedException {
    int n = events.size();
    if (n > maxInFlight) {
      return new PublishResult.Overloaded("batch larger than the in-flight limit");
    }
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n);
    try {
      for (OutgoingEvent event : events) {
        // Serialize first: a registry failure must not leave half a batch sent.
        records.add(
            new ProducerRecord<>(
                event.topic(), event.key(), values.serialize(event.topic(), event.value())));
      }
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isOutage(e)) {
        int status = SchemaRegistryException.in(e).orElseThrow().status();
        return new PublishResult.Unavailable(
            status == 0
                ? "no answer from the schema registry"
                : "schema registry answered " + status);
      }
      throw e; // a record its schema refuses: our bug, not the client's
    }
    if (!inFlight.tryAcquire(n, admissionWait.toMillis(), TimeUnit.MILLISECONDS)) {
      return new PublishResult.Overloaded("too many events waiting for Kafka");
    }
    long start = System.nanoTime();
    BatchAcknowledgement acks = new BatchAcknowledgement(n);
    int handed = 0;
    try {
      for (ProducerRecord<String, byte[]> record : records) {
        try {
          producer.send(
              record,
              (metadata, error) -> {
                inFlight.release();
                acks.record(error);
              });
        } catch (KafkaException | IllegalStateException e) {
          // Buffer full past max.block.ms, metadata unavailable, producer closed: not sent.
          inFlight.release();
          acks.record(e);
        }
        handed++;
      }
    } finally {
      // Permits of records never handed to send() (an exception above) are returned here.
      if (handed < n) {
        inFlight.release(n - handed);
      }
    }
    try {
      acks.done().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return new PublishResult.Failed(describe(e.getCause()));
    } catch (TimeoutException e) {
      return new PublishResult.Failed("Kafka did not acknowledge within " + ackTimeout);
    }
    ackLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return new PublishResult.Acknowledged(n);
  }

  /**
   * Counts a batch's acknowledgements down: done when every record is acknowledged, failed at the
   * first error. One per batch instead of a future per record.
   */
  private static final class BatchAcknowledgement {
    private final AtomicInteger waiting;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    BatchAcknowledgement(int records) {
      this.waiting = new AtomicInteger(records);
    }

    void record(Exception error) {
      if (error != null) {
        done.completeExceptionally(error);
      } else if (waiting.decrementAndGet() == 0) {
        done.complete(null);
      }
    }

    CompletableFuture<Void> done() {
      return done;
    }
  }

  private static String describe(Throwable error) {
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
