package io.visitorprofiler.gateway.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visitorprofiler.schemas.Heartbeat;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Publishing batches and answering only once Kafka acknowledged all of them. */
class EventPublisherTest {
  private static final String TOPIC = "vp.clickstream.v1";
  private static final Serializer<SpecificRecord> VALUES =
      (topic, record) -> record.toString().getBytes(StandardCharsets.UTF_8);
  private static final Duration LONG = Duration.ofSeconds(30);

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private EventPublisher publisher;

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.close();
    }
  }

  @Test
  void aSchemaRegistryOutageSendsNothingAndSaysSo() throws InterruptedException {
    MockProducer<String, byte[]> producer = producer(true);
    Serializer<SpecificRecord> unreachable =
        (topic, record) -> {
          throw new SerializationException(
              "cannot register",
              new SchemaRegistryException("registry at http://r: connection refused", 0, 0, null));
        };
    publisher =
        new EventPublisher(producer, unreachable, 10, Duration.ofMillis(100), LONG, metrics);

    PublishResult result = publisher.publish(events("v-1", "v-2"));

    assertThat(result).isInstanceOf(PublishResult.Unavailable.class);
    assertThat(producer.history()).isEmpty();
    assertThat(inFlight()).isZero();
  }

  @Test
  void aRecordTheRegistryRefusesIsNoOutage() {
    Serializer<SpecificRecord> refusing =
        (topic, record) -> {
          throw new SerializationException(
              "refused", new SchemaRegistryException("incompatible schema", 409, 409, null));
        };
    publisher =
        new EventPublisher(producer(true), refusing, 10, Duration.ofMillis(100), LONG, metrics);

    assertThatThrownBy(() -> publisher.publish(events("v-1")))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void aBatchThatIsFullyAcknowledgedIsAcknowledged() throws InterruptedException {
    MockProducer<String, byte[]> producer = producer(true);
    publisher = publisher(producer, 10, Duration.ofMillis(100));

    PublishResult result = publisher.publish(events("v-1", "v-2", "v-3"));

    assertThat(result).isEqualTo(new PublishResult.Acknowledged(3));
    assertThat(producer.history())
        .extracting(ProducerRecord::topic, ProducerRecord::key)
        .containsExactly(tuple(TOPIC, "v-1"), tuple(TOPIC, "v-2"), tuple(TOPIC, "v-3"));
    assertThat(producer.history().get(0).value())
        .isEqualTo(VALUES.serialize(TOPIC, event("v-1").value()));
    assertThat(metrics.get("vp.gateway.produce.latency").timer().count()).isEqualTo(1);
    assertThat(inFlight()).isZero();
  }

  @Test
  void anErrorOnOneRecordFailsTheBatch() throws Exception {
    MockProducer<String, byte[]> producer = producer(false);
    publisher = publisher(producer, 10, Duration.ofMillis(100));

    CompletableFuture<PublishResult> result = publishInBackground(events("v-1", "v-2"));
    await().until(() -> producer.history().size() == 2);
    producer.completeNext();
    producer.errorNext(new NotEnoughReplicasException("not enough in-sync replicas"));

    PublishResult failed = result.get(10, TimeUnit.SECONDS);
    assertThat(failed).isInstanceOf(PublishResult.Failed.class);
    assertThat(((PublishResult.Failed) failed).reason())
        .contains("NotEnoughReplicasException", "not enough in-sync replicas");
    assertThat(inFlight()).isZero();
  }

  @Test
  void aSendThatThrowsFailsTheBatchAndReturnsItsPermits() throws InterruptedException {
    MockProducer<String, byte[]> producer = producer(true);
    publisher = publisher(producer, 2, Duration.ofMillis(100));
    producer.sendException = new KafkaException("buffer exhausted");

    PublishResult failed = publisher.publish(events("v-1", "v-2"));

    assertThat(failed).isInstanceOf(PublishResult.Failed.class);
    assertThat(((PublishResult.Failed) failed).reason()).contains("buffer exhausted");
    assertThat(inFlight()).isZero();

    producer.sendException = null;
    assertThat(publisher.publish(events("v-1", "v-2")))
        .isEqualTo(new PublishResult.Acknowledged(2));
  }

  @Test
  void aBatchIsOverloadedWhileTooManyEventsAwaitKafka() throws Exception {
    MockProducer<String, byte[]> producer = producer(false);
    publisher = publisher(producer, 2, Duration.ofMillis(50));

    CompletableFuture<PublishResult> first = publishInBackground(events("v-1", "v-2"));
    await().until(() -> producer.history().size() == 2);
    assertThat(inFlight()).isEqualTo(2);

    PublishResult second = publisher.publish(events("v-3"));

    assertThat(second).isInstanceOf(PublishResult.Overloaded.class);
    assertThat(producer.history()).hasSize(2);

    producer.completeNext();
    producer.completeNext();
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new PublishResult.Acknowledged(2));
    assertThat(inFlight()).isZero();
  }

  @Test
  void aBatchLargerThanTheInFlightLimitIsOverloadedAndNothingIsSent() throws InterruptedException {
    MockProducer<String, byte[]> producer = producer(true);
    publisher = publisher(producer, 2, Duration.ofMillis(50));

    PublishResult result = publisher.publish(events("v-1", "v-2", "v-3"));

    assertThat(result).isInstanceOf(PublishResult.Overloaded.class);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void closingThePublisherClosesTheProducer() {
    MockProducer<String, byte[]> producer = producer(true);
    publisher = publisher(producer, 2, Duration.ofMillis(50));

    publisher.close();
    publisher = null;

    assertThat(producer.closed()).isTrue();
  }

  private CompletableFuture<PublishResult> publishInBackground(List<OutgoingEvent> events) {
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(publisher.publish(events));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  private double inFlight() {
    return metrics.get("vp.gateway.events.in.flight").gauge().value();
  }

  private EventPublisher publisher(
      MockProducer<String, byte[]> producer, int maxInFlight, Duration admissionWait) {
    return new EventPublisher(producer, VALUES, maxInFlight, admissionWait, LONG, metrics);
  }

  private static MockProducer<String, byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<OutgoingEvent> events(String... visitorIds) {
    return IntStream.range(0, visitorIds.length).mapToObj(i -> event(visitorIds[i])).toList();
  }

  private static OutgoingEvent event(String visitorId) {
    return new OutgoingEvent(TOPIC, visitorId, new Heartbeat("https://shop.example/" + visitorId));
  }
}
