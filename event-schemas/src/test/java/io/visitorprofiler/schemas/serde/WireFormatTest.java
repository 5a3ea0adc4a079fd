package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireFormatTest {
  @Test
  void theHeaderIsMagicZeroThenTheIdBigEndian() {
    byte[] framed = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(framed, 0x01020304);
    assertThat(framed).containsExactly(0, 1, 2, 3, 4);
    assertThat(WireFormat.schemaId("t", framed)).isEqualTo(0x01020304);
  }

  @Test
  void largeIdsSurviveTheRoundTrip() {
    byte[] framed = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(framed, Integer.MAX_VALUE);
    assertThat(WireFormat.schemaId("t", framed)).isEqualTo(Integer.MAX_VALUE);
  }
}
