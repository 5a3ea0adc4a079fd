package io.visitorprofiler.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A dead letter that cannot be written is an outage the loop waits out, not an error that ends the
 * loop's thread.
 */
class DeadLettersTest {
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final ConsumerRecord<String, byte[]> record =
      new ConsumerRecord<>("vp.chat.v1", 3, 42, "v-1", new byte[] {9, 9, 9});

  @Test
  void aRegistryThatCannotBeReachedMakesTheDeadLetterUnavailable() {
    Serializer<DeadLetter> unreachable =
        (topic, letter) -> {
          throw new SerializationException(
              "cannot register", new SchemaRegistryException("no answer", 0, 0, null));
        };
    DeadLetters letters =
        new DeadLetters(
            new MockProducer<>(true, null, new StringSerializer(), unreachable), metrics);

    assertThatThrownBy(() -> letters.send(record, "unreadable", new IllegalStateException()))
        .isInstanceOf(DeadLetters.Unavailable.class)
        .hasMessageContaining("vp.chat.v1-3@42");
    assertThat(metrics.get("vp.sink.dead.letters").counter().count()).isZero();
  }

  @Test
  void aBrokerThatDoesNotAcknowledgeMakesTheDeadLetterUnavailable() {
    MockProducer<String, DeadLetter> producer =
        new MockProducer<>(false, null, new StringSerializer(), (topic, letter) -> new byte[0]);
    DeadLetters letters = new DeadLetters(producer, metrics);
    Thread.ofVirtual()
        .start(
            () -> {
              while (producer.history().isEmpty()) {
                Thread.onSpinWait();
              }
              producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no ack"));
            });

    assertThatThrownBy(() -> letters.send(record, "unreadable", new IllegalStateException()))
        .isInstanceOf(DeadLetters.Unavailable.class);
  }
}
