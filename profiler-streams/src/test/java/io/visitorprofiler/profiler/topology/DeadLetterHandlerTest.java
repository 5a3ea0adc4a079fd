package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which failures are a registry outage (retried) rather than a bad record (dead-lettered). */
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
}
