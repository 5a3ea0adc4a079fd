package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.registry.InMemorySchemaRegistry;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void everyTopicsRecordsRoundTripInTheWireFormat() {
    List<SpecificRecord> samples = SampleRecords.oneOfEach("v-1");
    for (SpecificRecord sample : samples) {
      String topic = "topic-of-" + sample.getSchema().getName();
      byte[] bytes = serializer().serialize(topic, sample);

      int id = registry.latest(topic + "-value").id();
      assertThat(bytes[0]).isZero();
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
      assertThat(deserializer(sample.getClass()).deserialize(topic, bytes)).isEqualTo(sample);
    }
  }

  @Test
  void recordsWrittenOneAfterAnotherOnAThreadAreEachTheirOwnBytes() {
    // A thread reuses one buffer: a record after a larger one (the buffer kept, 10 KB) and after
    // one past the size a thread keeps (100 KB, the buffer dropped) must carry nothing of it.
    ClickstreamEvent small = SampleRecords.pageView("v-1");
    ClickstreamEvent medium = withTitle(SampleRecords.pageView("v-2"), 10_000);
    ClickstreamEvent large = withTitle(SampleRecords.pageView("v-3"), 100_000);
    AvroSerializer<SpecificRecord> serializer = serializer();
    byte[] smallAlone = serializer.serialize("t", small);

    byte[] mediumBytes = serializer.serialize("t", medium);
    byte[] smallAfterMedium = serializer.serialize("t", small);
    byte[] largeBytes = serializer.serialize("t", large);
    byte[] smallAfterLarge = serializer.serialize("t", small);

    assertThat(smallAfterMedium).isEqualTo(smallAlone);
    assertThat(smallAfterLarge).isEqualTo(smallAlone);
    AvroDeserializer<ClickstreamEvent> reader = deserializer(ClickstreamEvent.class);
    assertThat(reader.deserialize("t", smallAlone)).isEqualTo(small);
    assertThat(reader.deserialize("t", mediumBytes)).isEqualTo(medium);
    assertThat(reader.deserialize("t", largeBytes)).isEqualTo(large);
  }

  private static ClickstreamEvent withTitle(ClickstreamEvent event, int length) {
    ((PageView) event.getPayload()).setTitle("t".repeat(length));
    return event;
  }

  @Test
  void tombstonesStayNull() {
    assertThat(serializer().serialize(Topics.SEGMENT_DEFINITIONS.name(), null)).isNull();
    assertThat(deserializer(SegmentChange.class).deserialize("t", null)).isNull();
  }

  @Test
  void keysAndValuesUseTheirOwnSubjects() {
    AvroSerializer<SpecificRecord> keys = new AvroSerializer<>(registry, true);
    keys.configure(Map.of(), true);
    keys.serialize("vp.x", SampleRecords.erasure("v-1"));
    assertThat(registry.latest("vp.x-key").schema().getName()).isEqualTo("ErasureRequest");
  }

  @Test
  void withoutAutoRegistrationAnUnknownSchemaIsRefusedByName() {
    AvroSerializer<SpecificRecord> strict = new AvroSerializer<>(registry, false);
    strict.configure(Map.of(), false);
    assertThatThrownBy(() -> strict.serialize("vp.y", SampleRecords.invitation("v-1")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot write io.visitorprofiler.schemas.Invitation to vp.y")
        .hasMessageContaining("vp.y-value");
  }

  @Test
  void bytesThatAreNotTheWireFormatAreRefusedClearly() {
    AvroDeserializer<Invitation> reader = deserializer(Invitation.class);
    assertThatThrownBy(() -> reader.deserialize("vp.invitations.v1", "{\"json\":1}".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessage(
            "record on vp.invitations.v1 starts with byte 0x7b, not the magic byte 0 of the"
                + " Confluent wire format");
    assertThatThrownBy(() -> reader.deserialize("vp.invitations.v1", new byte[] {0, 0}))
        .hasMessageContaining("is 2 bytes, too short");
    assertThatThrownBy(() -> reader.deserialize("vp.invitations.v1", new byte[] {0, 0, 0, 0, 99}))
        .hasMessageContaining("cannot read schema id 99 on vp.invitations.v1");
  }

  @Test
  void garbageAfterAValidHeaderIsADecodeErrorNotACrash() {
    int id = registry.register("t-value", Invitation.getClassSchema());
    byte[] bytes = new byte[] {0, 0, 0, 0, (byte) id, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> deserializer(Invitation.class).deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode a Invitation written with schema id " + id);
  }

  @Test
  void recordsWrittenWithAnOlderSchemaReadWithDefaults() throws Exception {
    Schema older =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "Invitation", "namespace": "io.visitorprofiler.schemas",
                 "fields": [
                   {"name": "invitationId", "type": "string"},
                   {"name": "siteId", "type": "string"},
                   {"name": "visitorId", "type": "string"},
                   {"name": "segmentId", "type": "string"},
                   {"name": "message", "type": "string"},
                   {"name": "createdAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                 ]}""");
    int id = registry.register("vp.invitations.v1-value", older);
    GenericRecord record = new GenericData.Record(older);
    record.put("invitationId", "i-0");
    record.put("siteId", "demo");
    record.put("visitorId", "v-1");
    record.put("segmentId", "vip");
    record.put("message", "Hello!");
    record.put("createdAt", SampleRecords.T0.toEpochMilli());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(header, id);
    out.writeBytes(header);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(older).write(record, encoder);
    encoder.flush();

    Invitation read =
        deserializer(Invitation.class).deserialize("vp.invitations.v1", out.toByteArray());

    assertThat(read.getInvitationId()).isEqualTo("i-0");
    assertThat(read.getVariantId()).isNull();
    assertThat(read.getExpiresAt()).isNull();
  }

  @Test
  void theWriterSchemaIsFetchedOncePerId() {
    AvroSerializer<SpecificRecord> writer = serializer();
    AvroDeserializer<SegmentChange> reader = deserializer(SegmentChange.class);
    for (int i = 0; i < 100; i++) {
      reader.deserialize(
          "vp.segment-changes.v1",
          writer.serialize("vp.segment-changes.v1", SampleRecords.entered("v-" + i)));
    }
    assertThat(registry.lookups()).isEqualTo(1);
  }

  private AvroSerializer<SpecificRecord> serializer() {
    AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry, true);
    serializer.configure(Map.of(), false);
    return serializer;
  }

  private <T extends SpecificRecord> AvroDeserializer<T> deserializer(Class<T> type) {
    AvroDeserializer<T> deserializer = new AvroDeserializer<>(type, registry);
    deserializer.configure(Map.of(), false);
    return deserializer;
  }
}
