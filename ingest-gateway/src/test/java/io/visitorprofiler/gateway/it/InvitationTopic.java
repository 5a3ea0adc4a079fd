package io.visitorprofiler.gateway.it;

import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroSerializer;
import io.visitorprofiler.schemas.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes invitations to {@code vp.invitations.v1} as the notifier does: keyed by visitor. */
final class InvitationTopic {
  private InvitationTopic() {}

  static void send(Map<String, Object> clientProperties, String registryUrl, Invitation invitation)
      throws Exception {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(SchemaRegistryConfig.URL, registryUrl);
    AvroSerializer<Invitation> serializer = new AvroSerializer<>();
    serializer.configure(props, false);
    try (KafkaProducer<String, Invitation> producer =
        new KafkaProducer<>(props, new StringSerializer(), serializer)) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.INVITATIONS.name(), invitation.getVisitorId(), invitation))
          .get();
    }
  }
}
