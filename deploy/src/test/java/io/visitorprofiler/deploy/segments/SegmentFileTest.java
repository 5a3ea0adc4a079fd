package io.visitorprofiler.deploy.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.runtime.config.EnvConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFileTest {
  private static final Path FILE = Path.of("segments.yaml");

  @Test
  void theDemoCatalogueHasOneDefinitionPerSampleSegmentWithItsLine() {
    SegmentFile file = SegmentFile.read(Path.of("demo/segments.yaml"));

    assertThat(file.entries())
        .extracting(SegmentFile.Entry::id)
        .containsExactly(
            "repeat-visitors",
            "miami-visitors",
            "from-facebook",
            "from-google-search",
            "not-found-after-chat",
            "vip-customers",
            "hesitant-shoppers",
            "small-carts",
            "cups-cross-sell",
            "abandoned-carts");
    SegmentFile.Entry first = file.entries().get(0);
    assertThat(first.line()).isEqualTo(7);
    assertThat(first.siteId()).isEqualTo("demo");
    assertThat(first.definition().has("id")).as("the id is the path, not the body").isFalse();
    assertThat(first.definition().path("condition").asText()).isEqualTo("visitor.visits >= 2");
    assertThat(file.entries().get(4).definition().path("condition").asText())
        .as("a folded condition reads as one line")
        .isEqualTo(
            "'found_what_you_were_looking_for' in visitor.postChat"
                + " && visitor.postChat['found_what_you_were_looking_for'] == 'no'");
  }

  @Test
  void everyShapeProblemIsReportedWithItsLine() {
    String text =
        """
        segments:
          - id: repeat
            condition: visitor.visits >= 2
          - name: no id
          - id: Bad Id
          - id: repeat
        extra: 1
        """;

    assertThatThrownBy(() -> SegmentFile.parse(FILE, text))
        .isInstanceOfSatisfying(
            InvalidSegmentFileException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "segments.yaml:4: segments[1]: 'id' is required",
                        "segments.yaml:5: segments[2]: id 'Bad Id' must be 1-64 of a-z, 0-9, '.',"
                            + " '_', '-' starting with a letter or digit",
                        "segments.yaml:7: unknown key 'extra' (expected 'segments')",
                        "segments.yaml:6: id 'repeat' is already defined on line 2"));
  }

  @Test
  void brokenYamlNamesItsPosition() {
    assertThatThrownBy(() -> SegmentFile.parse(FILE, "segments:\n  - id: a\n   bad: [\n"))
        .isInstanceOf(InvalidSegmentFileException.class)
        .hasMessageStartingWith("segments.yaml:3:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void aFileWithoutSegmentsIsRefused() {
    assertThatThrownBy(() -> SegmentFile.parse(FILE, "topics: []\n"))
        .isInstanceOfSatisfying(
            InvalidSegmentFileException.class,
            e -> assertThat(e.problems()).contains("segments.yaml: no 'segments:' list"));
  }

  /** What {@code vp segments apply -f FILE} printed on stderr, and its exit code. */
  private record Applied(int exit, String err) {}

  /** Applies a file against port 9, where nothing listens. */
  private static Applied applyToNothing(Path file) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        SegmentsCommand.run(
            new String[] {"apply", "-f", file.toString(), "--url", "http://127.0.0.1:9"},
            new EnvConfig(Map.of()),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Applied(exit, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theCommandRefusesABadFileBeforeCallingTheProfiler(@TempDir Path dir) throws Exception {
    // A file refused before any call never notices that no profiler listens.
    Applied applied =
        applyToNothing(Files.writeString(dir.resolve("bad.yaml"), "segments:\n  - name: x\n"));

    assertThat(applied.exit()).isEqualTo(1);
    assertThat(applied.err())
        .contains("nothing was applied")
        .contains("bad.yaml:2: segments[0]: 'id' is required");
  }

  @Test
  void anUnreachableProfilerIsAClearError(@TempDir Path dir) throws Exception {
    Applied applied =
        applyToNothing(Files.writeString(dir.resolve("ok.yaml"), "segments:\n  - id: a\n"));

    assertThat(applied.exit()).isEqualTo(2);
    assertThat(applied.err()).contains("profiler-streams is not reachable at http://127.0.0.1:9/");
  }
}
