package io.visitorprofiler.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The tracking script as served: gzipped losslessly and small enough for every page. */
class TrackerResourceTest {
  /** What every page pays for the script on the wire. */
  private static final int GZIPPED_BUDGET_BYTES = 6_500;

  @Test
  void gzipRoundTripsToTheSameBytes() throws IOException {
    byte[] data = "var vp = window.vp || [];\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    assertThat(gunzip(TrackerResource.gzip(data))).isEqualTo(data);
    assertThat(gunzip(TrackerResource.gzip(new byte[0]))).isEmpty();
  }

  @Test
  void theGzippedScriptUnpacksToTheScript() throws IOException {
    byte[] script = script();

    assertThat(script).isNotEmpty();
    assertThat(gunzip(TrackerResource.gzip(script))).isEqualTo(script);
  }

  @Test
  void theGzippedScriptStaysWithinItsSizeBudget() {
    TrackerResource tracker = new TrackerResource();

    assertThat(tracker.gzippedSize()).isPositive().isLessThan(GZIPPED_BUDGET_BYTES);
  }

  @Test
  void theServedSizeIsTheSizeOfTheGzippedScript() throws IOException {
    assertThat(new TrackerResource().gzippedSize())
        .isEqualTo(TrackerResource.gzip(script()).length);
  }

  private static byte[] script() throws IOException {
    try (InputStream in = TrackerResource.class.getResourceAsStream(TrackerResource.RESOURCE)) {
      assertThat(in).as(TrackerResource.RESOURCE + " on the classpath").isNotNull();
      return in.readAllBytes();
    }
  }

  private static byte[] gunzip(byte[] gzipped) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
