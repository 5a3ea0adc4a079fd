package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Which failures are the registry's (retried) rather than a bad record's (dead-lettered). */
class DeadLetterHandlerTest {
  @Test
  void anUnreachableOrFailingRegistryIsAnOutageHoweverDeeplyWrapped() {
    SchemaRegistryException unreachable =
        new SchemaRegistryException("schema registry did not answer", 0, 0, null);
    SchemaRegistryException busy = new SchemaRegistryException("busy", 503, 50301, null);

    assertThat(DeadLetterHandler.registryUnavailable(unreachable)).isTrue();
    assertThat(
            DeadLetterHandler.registryUnavailable(
                new StreamsException(new SerializationException("writing the profile", busy))))
        .isTrue();
  }

  @Test
  void aRefusalOrAnyOtherFailureIsTheRecordsOwn() {
    SchemaRegistryException incompatible =
        new SchemaRegistryException("incompatible schema", 409, 409, null);

    assertThat(
            DeadLetterHandler.registryUnavailable(
                new SerializationException("refused", incompatible)))
        .isFalse();
    assertThat(DeadLetterHandler.registryUnavailable(new IllegalArgumentException("bad url")))
        .isFalse();
  }

  @Test
  void whileProcessingARefusalOfOurOwnSchemaFailsLikeAnOutageAndABadValueIsTheRecordsOwn() {
    SchemaRegistryException incompatible =
        new SchemaRegistryException("incompatible schema", 409, 409, null);
    DeadLetterHandler handler = new DeadLetterHandler();

    // Encoding the changes registers their schema: refused, every record would fail alike.
    assertThat(
            handler
                .handleError(
                    new Origin(),
                    (Record<?, ?>) null,
                    new SerializationException(
                        "cannot write SegmentChange to vp.segment-changes.v1", incompatible))
                .result())
        .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    assertThat(DeadLetterHandler.registryFailed(new SerializationException("null segmentName")))
        .isFalse();
  }

  @Test
  void aFailureInAPunctuationHasNoRecordAndSaysSo() {
    assertThat(DeadLetterHandler.origin(new Origin())).isEqualTo("vp.clickstream.v1-3@42");
    assertThat(DeadLetterHandler.origin(new Origin(null, -1, -1)))
        .isEqualTo("punctuation of task 0_3");
  }

  /** Where a failing record came from, as Kafka Streams tells the handler. */
  private record Origin(String topic, int partition, long offset) implements ErrorHandlerContext {
    Origin() {
      this("vp.clickstream.v1", 3, 42);
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
      return ProfilerTopology.PROFILER;
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 3);
    }

    @Override
    public long timestamp() {
      return 0;
    }

    @Override
    public byte[] sourceRawKey() {
      return new byte[0];
    }

    @Override
    public byte[] sourceRawValue() {
      return new byte[0];
    }
  }
}
