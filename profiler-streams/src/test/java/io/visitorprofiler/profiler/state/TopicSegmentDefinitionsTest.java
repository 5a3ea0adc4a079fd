package io.visitorprofiler.profiler.state;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.ServiceUnavailableResponse;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Publishing a definition when the registry, which its encoding needs, cannot be reached. */
class TopicSegmentDefinitionsTest {
  @Test
  void aRegistryOutageIsServiceUnavailableNotAServerError() {
    Serializer<SegmentDefinition> unreachable =
        (topic, definition) -> {
          throw new SerializationException(
              "cannot register", new SchemaRegistryException("no answer", 0, 0, null));
        };
    MockProducer<String, SegmentDefinition> producer =
        new MockProducer<>(true, null, new StringSerializer(), unreachable);
    // The catalogue's reads go to the streams' store; publishing needs only the producer.
    TopicSegmentDefinitions definitions = new TopicSegmentDefinitions(null, producer);

    assertThatThrownBy(() -> definitions.publish("repeat", definition()))
        .isInstanceOf(ServiceUnavailableResponse.class)
        .hasMessageContaining("schema registry");
  }

  private static SegmentDefinition definition() {
    return SegmentDefinition.newBuilder()
        .setSegmentId("repeat")
        .setSiteId("demo")
        .setName("Repeat visitors")
        .setLabel("Repeat")
        .setColor("#1565c0")
        .setPriority(30)
        .setEnabled(true)
        .setCondition("visitor.visits >= 2")
        .setVersion(1)
        .setUpdatedAt(Instant.parse("2026-11-24T10:00:00Z"))
        .setUpdatedBy("admin")
        .build();
  }
}
