package io.visitorprofiler.sink.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record the sink cannot take to {@code vp.dead-letter.v1} with the reason, and waits for
 * the acknowledgement so the offset is never committed past a record that went nowhere.
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final Producer<String, DeadLetter> producer;
  private final Counter counter;

  public DeadLetters(Producer<String, DeadLetter> producer, MeterRegistry metrics) {
    this.producer = producer;
    this.counter =
        Counter.builder("vp.sink.dead.letters")
            .description("Records sent to the dead-letter topic")
            .register(metrics);
  }

  /**
   * The dead letter could not be written (Kafka or the schema registry unavailable): the record's
   * batch is not done, and is retried like any outage.
   */
  public static final class Unavailable extends RuntimeException {
    Unavailable(ConsumerRecord<String, byte[]> record, Exception cause) {
      super(
          "cannot write the dead letter of "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset(),
          cause);
    }
  }

  /** Writes the dead letter and waits for it; {@link Unavailable} when it could not be written. */
  public void send(ConsumerRecord<String, byte[]> record, String reason, Exception error) {
    DeadLetter letter =
        new DeadLetter(
            "segment-sink",
            reason.length() > 1000 ? reason.substring(0, 1000) : reason,
            error.getClass().getName(),
            record.topic(),
            record.partition(),
            record.offset(),
            record.key() == null
                ? null
                : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)),
            record.value() == null ? null : ByteBuffer.wrap(record.value()),
            Instant.now());
    try {
      producer
          .send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), record.key(), letter))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable(record, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      // KafkaException: the serializer runs inside send(), so a registry outage fails here.
      throw new Unavailable(record, e);
    }
    counter.increment();
    log.warn(
        "{}-{}@{} sent to the dead letter: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        error.getClass().getSimpleName());
  }
}
