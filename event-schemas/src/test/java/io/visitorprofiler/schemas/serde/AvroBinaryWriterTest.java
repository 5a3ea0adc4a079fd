package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.topic.Topic;
import io.visitorprofiler.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

class AvroBinaryWriterTest {

  @Test
  void writesTheBytesAvrosOwnWriterWrites() throws IOException {
    List<SpecificRecord> samples = new ArrayList<>(SampleRecords.oneOfEach("v-1"));
    samples.add(withoutOptionalParts(SampleRecords.pageView("v-2")));
    samples.add(anonymous(SampleRecords.profile("v-3")));
    for (SpecificRecord sample : samples) {
      AvroBinaryWriter fast = new AvroBinaryWriter(sample.getSchema());
      // Twice: the second write takes every union branch from what the first one learned.
      for (int round = 0; round < 2; round++) {
        assertThat(bytes(fast, sample))
            .as("%s, round %d", sample.getSchema().getName(), round)
            .isEqualTo(bytes(new SpecificDatumWriter<>(sample.getSchema()), sample));
      }
    }
  }

  @Test
  void oneWriterServesEveryBranchOfAUnionInAnyOrder() throws IOException {
    AvroBinaryWriter fast = new AvroBinaryWriter(ClickstreamEvent.getClassSchema());
    SpecificDatumWriter<SpecificRecord> avro =
        new SpecificDatumWriter<>(ClickstreamEvent.getClassSchema());
    for (SpecificRecord event :
        List.of(
            SampleRecords.cartUpdated("v-1"),
            SampleRecords.pageView("v-1"),
            withoutOptionalParts(SampleRecords.pageView("v-1")),
            SampleRecords.cartUpdated("v-2"))) {
      assertThat(bytes(fast, event)).isEqualTo(bytes(avro, event));
    }
  }

  @Test
  void aValueThatFitsNoBranchIsRefusedAsAvroRefusesIt() {
    ClickstreamEvent event = SampleRecords.pageView("v-1");
    event.put("payload", SampleRecords.erasure("v-1")); // not one of the payload types
    AvroBinaryWriter fast = new AvroBinaryWriter(event.getSchema());
    assertThatThrownBy(() -> bytes(fast, event)).isInstanceOf(AvroRuntimeException.class);
  }

  @Test
  void writesTheBytesOfAvrosWriterForRandomValuesOfEverySchema() throws IOException {
    List<Schema> schemas = new ArrayList<>(List.of(VisitorProfile.getClassSchema()));
    for (Topic<?> topic : Topics.ALL) {
      schemas.add(SpecificData.get().getSchema(topic.valueType()));
    }
    for (Schema schema : schemas) {
      AvroBinaryWriter fast = new AvroBinaryWriter(schema);
      GenericDatumWriter<Object> avro = new GenericDatumWriter<>(schema);
      SpecificDatumWriter<Object> avroSpecific = new SpecificDatumWriter<>(schema);
      SpecificDatumReader<Object> reader = new SpecificDatumReader<>(schema);
      int i = 0;
      for (Object generic : new RandomData(GenericData.get(), schema, 200, 7L)) {
        // Generic records (raw longs for timestamps, generic enum symbols) ...
        byte[] expected = bytes(avro, generic);
        assertThat(Arrays.equals(bytes(fast, generic), expected))
            .as("generic %s number %d: %s", schema.getName(), i, generic)
            .isTrue();
        // ... and the same values read as specific records (Instants, Java enums, Strings).
        Object specific = reader.read(null, DecoderFactory.get().binaryDecoder(expected, null));
        assertThat(Arrays.equals(bytes(fast, specific), bytes(avroSpecific, specific)))
            .as("specific %s number %d: %s", schema.getName(), i, specific)
            .isTrue();
        i++;
      }
    }
  }

  @Test
  void namesTheFieldWhoseValueDoesNotFit() {
    Schema geo =
        SchemaBuilder.record("Geo")
            .fields()
            .optionalString("region")
            .requiredString("city")
            .endRecord();
    Schema visit =
        SchemaBuilder.record("Visit")
            .fields()
            .requiredLong("at")
            .name("geo")
            .type(geo)
            .noDefault()
            .endRecord();
    GenericData.Record place = new GenericData.Record(geo);
    GenericData.Record value = new GenericData.Record(visit);
    value.put("at", 1L);
    value.put("geo", place);
    AvroBinaryWriter fast = new AvroBinaryWriter(visit, GenericData.get());

    place.put("city", 42);
    assertThatThrownBy(() -> bytes(fast, value))
        .isInstanceOf(AvroBinaryWriter.UnwritableValueException.class)
        .hasMessage("geo.city: a Integer where the schema wants string");
    place.put("city", null);
    assertThatThrownBy(() -> bytes(fast, value))
        .hasMessage("geo.city: null where the schema wants string");
    place.put("city", "Miami");
    place.put("region", 3L);
    assertThatThrownBy(() -> bytes(fast, value))
        .hasMessage("geo.region: a Long where the schema wants string");
  }

  private static ClickstreamEvent withoutOptionalParts(ClickstreamEvent event) {
    event.getContext().setClientTimestamp(null);
    event.getContext().setSource(null);
    event.getContext().setUserAgent(null);
    event.getContext().setIpTruncated(null);
    return event;
  }

  private static VisitorProfile anonymous(VisitorProfile profile) {
    profile.setNextCheckAt(null);
    profile.getIdentity().setName(null);
    profile
        .getCart()
        .setItems(
            List.of(
                new CartItem("CUPS-6", "Set of 6 cups", 24.0, 2),
                new CartItem("KETTLE-1", null, 39.5, 1)));
    return profile;
  }

  private static byte[] bytes(AvroBinaryWriter writer, Object value) {
    BinaryOutput out = new BinaryOutput(16); // small: growing is part of what is tested
    writer.write(value, out);
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static byte[] bytes(DatumWriter<?> writer, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    ((DatumWriter<Object>) writer).write(value, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
