package io.visitorprofiler.profiler.topology;

import io.micrometer.core.instrument.Metrics;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a record that cannot be read, or whose processing throws, to {@code vp.dead-letter.v1}
 * with the reason and its origin (in the Avro value and in headers), counts it, and lets processing
 * continue. Kafka Streams writes the dead letter in the task's transaction. A schema registry that
 * cannot be reached is an outage, not a bad record: reading or processing fails and is retried; so
 * does processing when the registry refuses one of our own schemas.
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler, ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
  static final String SERVICE = "profiler-streams";

  private final AvroSerializer<DeadLetter> serializer = new AvroSerializer<>();

  @Override
  public void configure(Map<String, ?> configs) {
    serializer.configure(configs, false);
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (registryUnavailable(exception)) {
      // The writer's schema could not be fetched: the record is fine, the registry is not.
      log.warn(
          "schema registry unavailable while reading {}-{}@{}; the record will be read again",
          context.topic(),
          context.partition(),
          context.offset());
      return DeserializationExceptionHandler.Response.fail();
    }
    return DeserializationExceptionHandler.Response.resume(
        List.of(
            deadLetter(
                context, record.key(), record.value(), "cannot read the record", exception)));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (registryFailed(exception)) {
      // Not the record's fault: while processing, the registry is asked only about our own schemas
      // (the profile's, the changes'), so an outage or a refusal (an incompatible schema deployed)
      // would befall every record alike. Fail the thread (Main replaces it); the transaction is
      // aborted and the record processed again from the last commit, not lost to the dead letters.
      log.warn(
          "schema registry {} while processing {}; processed again from the last commit",
          registryUnavailable(exception) ? "unavailable" : "refused one of our schemas",
          origin(context));
      return ProcessingExceptionHandler.Response.fail();
    }
    return ProcessingExceptionHandler.Response.resume(
        List.of(
            deadLetter(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                "processing failed",
                exception)));
  }

  /** Whether the registry failed: an outage, or a refusal (a {@link SchemaRegistryException}). */
  static boolean registryFailed(Throwable failure) {
    return SchemaRegistryException.in(failure).isPresent();
  }

  /** A schema registry outage (see {@link SchemaRegistryException#isOutage}). */
  public static boolean registryUnavailable(Throwable failure) {
    return SchemaRegistryException.isOutage(failure);
  }

  /**
   * {@code topic-partition@offset} of the failed record, or, for a failure in a punctuation (a
   * visitor's timer: no record), {@code punctuation of task T}.
   */
  static String origin(ErrorHandlerContext context) {
    return context.topic() == null
        ? "punctuation of task " + context.taskId()
        : context.topic() + "-" + context.partition() + "@" + context.offset();
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ErrorHandlerContext context, byte[] key, byte[] value, String what, Exception exception) {
    String reason = what + ": " + exception.getMessage();
    boolean fromRecord = context.topic() != null;
    // Operators read this: origin and exception class only, never the record's content.
    log.warn(
        "dead letter from {} (task {}, processor {}): {} ({})",
        origin(context),
        context.taskId(),
        context.processorNodeId(),
        what,
        exception.getClass().getName());
    Metrics.counter("profiler.dead.letters", "topic", fromRecord ? context.topic() : "punctuation")
        .increment();
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setService(SERVICE)
            .setReason(reason)
            .setErrorClass(exception.getClass().getName())
            .setOriginTopic(context.topic())
            .setOriginPartition(fromRecord ? context.partition() : null)
            .setOriginOffset(fromRecord ? context.offset() : null)
            .setOriginKey(key == null ? null : ByteBuffer.wrap(key))
            .setOriginValue(value == null ? null : ByteBuffer.wrap(value))
            .setFailedAt(Instant.now())
            .build();
    RecordHeaders headers = new RecordHeaders();
    headers.add("vp.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
    headers.add("vp.dlq.service", SERVICE.getBytes(StandardCharsets.UTF_8));
    headers.add("vp.dlq.origin", origin(context).getBytes(StandardCharsets.UTF_8));
    String topic = Topics.DEAD_LETTER.name();
    return new ProducerRecord<>(topic, null, key, serializer.serialize(topic, letter), headers);
  }
}
