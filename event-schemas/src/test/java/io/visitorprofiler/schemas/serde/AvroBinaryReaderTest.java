package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.topic.Topic;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

class AvroBinaryReaderTest {

  @Test
  void readsWhatAvrosOwnReaderReads() throws IOException {
    List<SpecificRecord> samples = new ArrayList<>(SampleRecords.oneOfEach("v-1"));
    samples.add(SampleRecords.profile("v-2"));
    ClickstreamEvent bare = SampleRecords.pageView("v-3");
    bare.getContext().setSource(null);
    bare.getContext().setUserAgent(null);
    samples.add(bare);
    for (SpecificRecord sample : samples) {
      Schema schema = sample.getSchema();
      byte[] bytes = bytes(new SpecificDatumWriter<>(schema), sample);
      Object read = new AvroBinaryReader(schema).read(bytes, 0, bytes.length);
      assertThat(read).as(schema.getName()).isInstanceOf(sample.getClass()).isEqualTo(sample);
      assertThat(read).isEqualTo(avro(new SpecificDatumReader<>(schema), bytes));
    }
  }

  @Test
  void buildsTheJavaTypesOfTheGeneratedClasses() {
    ClickstreamEvent event = SampleRecords.pageView("v-1");
    byte[] bytes = bytes(new AvroBinaryWriter(event.getSchema()), event);
    ClickstreamEvent read =
        (ClickstreamEvent) new AvroBinaryReader(event.getSchema()).read(bytes, 0, bytes.length);
    assertThat(read.getVisitorId()).isInstanceOf(String.class).isEqualTo("v-1");
    assertThat(read.getEventTime()).isInstanceOf(Instant.class).isEqualTo(event.getEventTime());
    assertThat(read.getPayload()).isInstanceOf(PageView.class);
    assertThat(read.getContext().getSource().getReferrerClass())
        .isSameAs(event.getContext().getSource().getReferrerClass());
  }

  @Test
  void readsWhatAvroReadsForRandomValuesOfEverySchemaGenericAndSpecific() throws IOException {
    List<Schema> schemas = new ArrayList<>(List.of(VisitorProfile.getClassSchema()));
    for (Topic<?> topic : Topics.ALL) {
      schemas.add(SpecificData.get().getSchema(topic.valueType()));
    }
    for (Schema schema : schemas) {
      AvroBinaryReader generic = new AvroBinaryReader(schema, GenericData.get());
      AvroBinaryReader specific = new AvroBinaryReader(schema);
      GenericDatumReader<Object> avroGeneric =
          new GenericDatumReader<>(schema, schema, GenericData.get());
      SpecificDatumReader<Object> avroSpecific = new SpecificDatumReader<>(schema);
      int i = 0;
      for (Object value : new RandomData(GenericData.get(), schema, 200, 11L)) {
        byte[] bytes = bytes(new GenericDatumWriter<>(schema), value);
        assertThat(generic.read(bytes, 0, bytes.length))
            .as("generic %s number %d", schema.getName(), i)
            .isEqualTo(avro(avroGeneric, bytes))
            .isEqualTo(value);
        assertThat(specific.read(bytes, 0, bytes.length))
            .as("specific %s number %d", schema.getName(), i)
            .isEqualTo(avro(avroSpecific, bytes));
        i++;
      }
    }
  }

  @Test
  void readsAValueInTheMiddleOfAnArray() {
    VisitorProfile profile = SampleRecords.profile("v-1");
    byte[] bytes = bytes(new AvroBinaryWriter(profile.getSchema()), profile);
    byte[] framed = new byte[bytes.length + 9];
    System.arraycopy(bytes, 0, framed, 5, bytes.length);
    assertThat(new AvroBinaryReader(profile.getSchema()).read(framed, 5, bytes.length))
        .isEqualTo(profile);
  }

  @Test
  void everyTruncationOfAValueIsRefusedAsMalformed() {
    VisitorProfile profile = SampleRecords.profile("v-1");
    byte[] bytes = bytes(new AvroBinaryWriter(profile.getSchema()), profile);
    AvroBinaryReader reader = new AvroBinaryReader(profile.getSchema());
    for (int length = 0; length < bytes.length; length++) {
      int cut = length;
      assertThatThrownBy(() -> reader.read(bytes, 0, cut))
          .as("the first %d of %d bytes", cut, bytes.length)
          .isInstanceOf(BinaryInput.MalformedInputException.class);
    }
  }

  @Test
  void corruptCountsAndIndexesAreRefusedClearly() {
    Schema record =
        SchemaBuilder.record("R")
            .fields()
            .optionalString("name")
            .name("tags")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .name("kind")
            .type()
            .enumeration("Kind")
            .symbols("A", "B")
            .noDefault()
            .endRecord();
    AvroBinaryReader reader = new AvroBinaryReader(record, GenericData.get());
    // zig-zag: 2 = 1, 4 = 2, 6 = 3; a string of 60 bytes (120) with 3 left
    assertThatThrownBy(() -> read(reader, 2, 120, 'a', 'b', 'c'))
        .isInstanceOf(BinaryInput.MalformedInputException.class)
        .hasMessage("a string of 60 bytes where 3 are left");
    assertThatThrownBy(() -> read(reader, 6)).hasMessage("branch 3 of a union of 2");
    assertThatThrownBy(() -> read(reader, 0, 0, 4)).hasMessage("symbol 2 of Kind, which has 2");
    // An array claiming 2^40 items is refused before anything is allocated for them.
    assertThatThrownBy(() -> read(reader, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20))
        .hasMessage("a block of 549755813888 items");
    assertThatThrownBy(() -> read(reader, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))
        .isInstanceOf(BinaryInput.MalformedInputException.class);
    assertThat(read(reader, 0, 2, 2, 'x', 0, 2))
        .hasToString("{\"name\": null, \"tags\": [\"x\"], \"kind\": \"B\"}");
  }

  @Test
  void aSchemaOfTheSameLayoutReadsAlikeAndAnotherVersionDoesNot() {
    Schema v1 = SchemaBuilder.record("R").fields().requiredLong("at").endRecord();
    Schema documented =
        SchemaBuilder.record("R")
            .doc("when")
            .fields()
            .name("at")
            .doc("ms")
            .type()
            .longType()
            .noDefault()
            .endRecord();
    Schema v2 =
        SchemaBuilder.record("R").fields().requiredLong("at").optionalString("why").endRecord();
    assertThat(AvroBinaryReader.sameLayout(v1, documented)).isTrue();
    assertThat(AvroBinaryReader.sameLayout(v1, v2)).isFalse();
  }

  @Test
  void aSchemaThatNamesItsOwnJavaClassesIsLeftToAvro() {
    Schema schema =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"amount\","
                    + "\"type\":{\"type\":\"string\",\"java-class\":\"java.math.BigDecimal\"}}]}");
    assertThatThrownBy(() -> new AvroBinaryReader(schema, SpecificData.get()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static Object read(AvroBinaryReader reader, int... unsignedBytes) {
    byte[] bytes = new byte[unsignedBytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) unsignedBytes[i];
    }
    return reader.read(bytes, 0, bytes.length);
  }

  private static Object avro(DatumReader<Object> reader, byte[] bytes) throws IOException {
    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  private static byte[] bytes(AvroBinaryWriter writer, Object value) {
    BinaryOutput out = new BinaryOutput(16);
    writer.write(value, out);
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static byte[] bytes(DatumWriter<?> writer, Object value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      ((DatumWriter<Object>) writer).write(value, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
