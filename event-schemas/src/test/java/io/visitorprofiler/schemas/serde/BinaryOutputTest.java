package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class BinaryOutputTest {

  @Test
  void stringsAreWrittenAsAvroWritesThemWhateverTheirCharacters() throws IOException {
    List<String> samples =
        new ArrayList<>(
            List.of(
                "",
                "a",
                "https://shop.example/yoga/pants?utm_source=facebook",
                "\u007f", // the last ASCII character
                "\u0080", // the first that is not
                "café", // Latin-1, after an ASCII prefix
                "é at the start",
                "Zürich, 中文, ελληνικά",
                "emoji \uD83D\uDE00 pair",
                "lone \uD800 surrogate", // the JDK writes '?' for it, as Avro does through it
                "x".repeat(70_000))); // past the buffer's first sizes
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int j = 0; j < length; j++) {
        // Mostly ASCII with a non-ASCII character anywhere, as real names and URLs are.
        text.append(
            random.nextInt(10) == 0
                ? (char) random.nextInt(0x80, 0xD7FF)
                : (char) random.nextInt(0x80));
      }
      samples.add(text.toString());
    }

    for (String text : samples) {
      BinaryOutput out = new BinaryOutput(16);
      out.writeLong(42); // strings rarely start a record: write one after other bytes
      out.writeString(text);
      out.writeString((CharSequence) new Utf8(text));
      out.writeString((CharSequence) new StringBuilder(text));

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      BinaryEncoder avro = EncoderFactory.get().directBinaryEncoder(expected, null);
      avro.writeLong(42);
      avro.writeString(text);
      avro.writeString(new Utf8(text));
      avro.writeString(text);
      avro.flush();
      assertThat(out.toByteArray())
          .as("%s", text.length() > 60 ? text.length() : text)
          .isEqualTo(expected.toByteArray());
    }
  }
}
