package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.VisitorProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SpecificRecordWriterTest {

  @Test
  void writesTheBytesAvrosOwnWriterWrites() throws IOException {
    List<SpecificRecord> samples = new ArrayList<>(SampleRecords.oneOfEach("v-1"));
    samples.add(withoutOptionalParts(SampleRecords.pageView("v-2")));
    samples.add(anonymous(SampleRecords.profile("v-3")));
    for (SpecificRecord sample : samples) {
      SpecificRecordWriter<SpecificRecord> fast = new SpecificRecordWriter<>(sample.getSchema());
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
    SpecificRecordWriter<SpecificRecord> fast =
        new SpecificRecordWriter<>(ClickstreamEvent.getClassSchema());
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
    SpecificRecordWriter<SpecificRecord> fast = new SpecificRecordWriter<>(event.getSchema());
    assertThatThrownBy(() -> bytes(fast, event)).isInstanceOf(AvroRuntimeException.class);
  }

  @Test
  void theSharedModelOfTheGeneratedClassesIsLeftAlone() {
    new SpecificRecordWriter<>(VisitorProfile.getClassSchema());
    assertThat(SpecificData.getForSchema(VisitorProfile.getClassSchema()).useCustomCoders())
        .isFalse();
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

  private static byte[] bytes(DatumWriter<SpecificRecord> writer, SpecificRecord record)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
