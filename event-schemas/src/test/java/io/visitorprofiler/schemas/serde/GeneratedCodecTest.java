package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.topic.Topic;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/**
 * The generated codecs against the compiled readers and writers they stand in for: the same bytes,
 * the same values, the same refusals.
 */
class GeneratedCodecTest {
  static {
    TrustedSchemaClasses.install(); // the sample records have defaulted enum fields
  }

  private static List<Schema> schemas() {
    List<Schema> schemas = new ArrayList<>(List.of(VisitorProfile.getClassSchema()));
    for (Topic<?> topic : Topics.ALL) {
      schemas.add(SpecificData.get().getSchema(topic.valueType()));
    }
    return schemas;
  }

  @Test
  void theProfileAndEveryTopicsRecordHaveACodec() {
    for (Schema schema : schemas()) {
      assertThat(GeneratedCodec.of(schema, SpecificData.getForSchema(schema)))
          .as(schema.getName())
          .isNotNull();
    }
    // Generic records, and a schema of another layout under the same name, have none.
    Schema profile = VisitorProfile.getClassSchema();
    assertThat(GeneratedCodec.of(profile, GenericData.get())).isNull();
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"VisitorProfile\","
                    + "\"namespace\":\"io.visitorprofiler.schemas\","
                    + "\"fields\":[{\"name\":\"visitorId\",\"type\":\"string\"}]}");
    assertThat(GeneratedCodec.of(other, SpecificData.get())).isNull();
  }

  @Test
  void writesAndReadsWhatTheInterpreterDoesForRandomValuesOfEverySchema() throws IOException {
    for (Schema schema : schemas()) {
      AvroBinaryWriter generatedWriter = new AvroBinaryWriter(schema);
      AvroBinaryWriter interpretingWriter = AvroBinaryWriter.interpreting(schema);
      AvroBinaryReader generatedReader = new AvroBinaryReader(schema);
      AvroBinaryReader interpretingReader = AvroBinaryReader.interpreting(schema);
      GenericDatumWriter<Object> avro = new GenericDatumWriter<>(schema);
      SpecificDatumReader<Object> toSpecific = new SpecificDatumReader<>(schema);
      SpecificDatumWriter<Object> avroSpecific = new SpecificDatumWriter<>(schema);
      int i = 0;
      for (Object generic : new RandomData(GenericData.get(), schema, 200, 13L)) {
        byte[] avroBytes = bytes(avro, generic);
        Object specific =
            toSpecific.read(null, DecoderFactory.get().binaryDecoder(avroBytes, null));
        byte[] written = bytes(generatedWriter, specific);
        assertThat(Arrays.equals(written, bytes(interpretingWriter, specific)))
            .as("%s number %d written: %s", schema.getName(), i, specific)
            .isTrue();
        assertThat(Arrays.equals(written, bytes(avroSpecific, specific)))
            .as("%s number %d as Avro writes it", schema.getName(), i)
            .isTrue();
        Object read = generatedReader.read(written, 0, written.length);
        assertThat(read)
            .as("%s number %d read", schema.getName(), i)
            .isInstanceOf(specific.getClass())
            .isEqualTo(interpretingReader.read(written, 0, written.length))
            .isEqualTo(specific);
        i++;
      }
    }
  }

  @Test
  void aValueThatDoesNotFitIsNamedAsTheInterpreterNamesIt() {
    ClickstreamEvent event = SampleRecords.pageView("v-1");
    event.setVisitorId(null);
    AvroBinaryWriter writer = new AvroBinaryWriter(event.getSchema());
    BinaryOutput out = new BinaryOutput(16);
    out.writeFixed(new byte[] {0, 0, 0, 0, 7}, 0, 5); // what the caller wrote before
    assertThatThrownBy(() -> writer.write(event, out))
        .isInstanceOf(AvroBinaryWriter.UnwritableValueException.class)
        .hasMessage("visitorId: null where the schema wants string");

    event.setVisitorId("v-1");
    ((PageView) event.getPayload()).setUrl(null);
    assertThatThrownBy(() -> writer.write(event, new BinaryOutput(16)))
        .hasMessage("payload.url: null where the schema wants string");
  }

  @Test
  void everyCorruptionOfAByteIsReadAsTheInterpreterReadsIt() {
    List<SpecificRecord> samples = new ArrayList<>(SampleRecords.oneOfEach("v-1"));
    samples.add(SampleRecords.profile("v-2"));
    for (SpecificRecord sample : samples) {
      Schema schema = sample.getSchema();
      byte[] bytes = bytes(new AvroBinaryWriter(schema), sample);
      AvroBinaryReader generated = new AvroBinaryReader(schema);
      AvroBinaryReader interpreting = AvroBinaryReader.interpreting(schema);
      for (int at = 0; at < bytes.length; at++) {
        for (int corrupt : new int[] {0x01, 0x7F, 0x40, 0xFF}) {
          byte[] damaged = bytes.clone();
          damaged[at] = (byte) corrupt;
          Object expected = outcome(interpreting, damaged);
          assertThat(outcome(generated, damaged))
              .as("%s with byte %d set to %x", schema.getName(), at, corrupt)
              .isEqualTo(expected);
        }
      }
    }
  }

  /** The value read, or the message of the malformed input refused; any other failure fails. */
  private static Object outcome(AvroBinaryReader reader, byte[] bytes) {
    Throwable refused = catchThrowable(() -> reader.read(bytes, 0, bytes.length));
    if (refused == null) {
      return reader.read(bytes, 0, bytes.length);
    }
    assertThat(refused).isInstanceOf(BinaryInput.MalformedInputException.class);
    return "refused: " + refused.getMessage();
  }

  private static byte[] bytes(AvroBinaryWriter writer, Object value) {
    BinaryOutput out = new BinaryOutput(16);
    writer.write(value, out);
    return out.toByteArray();
  }

  private static byte[] bytes(GenericDatumWriter<Object> writer, Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    writer.write(value, encoder);
    encoder.flush();
    return bytes.toByteArray();
  }
}
