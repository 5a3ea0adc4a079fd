package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Our serdes against a real KRaft broker and the real Apicurio Registry. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AvroWireFormatIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();

  @BeforeAll
  static void topics() {
    assertThat(kafka.createCatalogTopics().clean()).isTrue();
  }

  @Test
  @Order(1)
  void aProducedRecordReadsBackAndCarriesTheRegistrysId() {
    String topic = Topics.CLICKSTREAM.name();
    ClickstreamEvent sent = SampleRecords.pageView("v-123");
    try (KafkaProducer<String, ClickstreamEvent> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, "v-123", sent)).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url()));
    int id = client.latest(topic + "-value").id();
    assertThat(client.latest(topic + "-value").schema())
        .isEqualTo(ClickstreamEvent.getClassSchema());

    ConsumerRecord<String, byte[]> raw = readOne(topic);
    assertThat(raw.key()).isEqualTo("v-123");
    byte[] bytes = raw.value();
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);

    AvroDeserializer<ClickstreamEvent> deserializer =
        new AvroDeserializer<>(ClickstreamEvent.class);
    deserializer.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(sent);
  }

  @Test
  @Order(2)
  void theRegistryAnswersLookupsAndCompatibilityChecks() {
    SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url()));
    String subject = "compat-check-value";
    int id = client.register(subject, Invitation.getClassSchema());

    assertThat(
            new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url()))
                .idOf(subject, Invitation.getClassSchema()))
        .isEqualTo(id);
    assertThat(new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url())).schemaById(id))
        .isEqualTo(Invitation.getClassSchema());
    assertThat(client.isCompatible(subject, Invitation.getClassSchema())).isTrue();
  }

  @Test
  @Order(3)
  void aRegistryOutageIsAClearErrorNotAHang() {
    Map<String, Object> config = new HashMap<>();
    config.put(SchemaRegistryConfig.URL, registry.url());
    config.put(SchemaRegistryConfig.RETRIES, "2");
    config.put(SchemaRegistryConfig.RETRY_BACKOFF_MS, "50");
    AvroSerializer<Invitation> serializer = new AvroSerializer<>();
    serializer.configure(config, false);

    registry.stop();
    try {
      assertThatThrownBy(
              () -> serializer.serialize("outage-topic", SampleRecords.invitation("v-1")))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining(
              "cannot write io.visitorprofiler.schemas.Invitation to outage-topic")
          .hasMessageContaining("schema registry did not answer POST " + registry.url())
          .hasMessageContaining("gave up after 3 attempts");
    } finally {
      registry.start();
    }
    assertThat(serializer.serialize("outage-topic", SampleRecords.invitation("v-1"))).startsWith(0);
  }

  private KafkaProducer<String, ClickstreamEvent> producer() {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
    props.put(SchemaRegistryConfig.URL, registry.url());
    return new KafkaProducer<>(props);
  }

  private ConsumerRecord<String, byte[]> readOne(String topic) {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).as("records on %s", topic).hasSize(1);
      return records.getFirst();
    }
  }
}
