package io.visitorprofiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vp demo} as a newcomer runs it: the whole stack, the sample segments from
 * deploy/demo/segments.yaml, the demo shop and simulated visitors through the real gateway, until
 * every sample segment has had a visitor enter it and an alert on agent-1's console stream — within
 * two minutes of the visitors' start. Then the segment file is applied again (nothing changes) and
 * a broken one is refused with its position.
 */
class DemoIT {
  @TempDir static Path state;
  private static LocalStackLauncher stack;

  @BeforeAll
  static void launcher() throws Exception {
    stack = new LocalStackLauncher(state, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    stack.vp(Duration.ofMinutes(3), "down");
  }

  @Test
  void everySampleSegmentGetsChangesAndAlertsWithinTwoMinutes() throws Exception {
    LocalStackLauncher.Result demo =
        stack.vp(Duration.ofMinutes(6), "demo", "--exit-when-complete", "--timeout", "120");

    assertThat(demo.exitCode()).as(demo.output()).isZero();
    assertThat(demo.output())
        .containsPattern("segments.yaml: \\d+ created, \\d+ updated, \\d+ unchanged")
        .contains("Agent console  http://127.0.0.1:" + stack.notifierPort())
        .contains("agent-1", "demo-agent")
        .contains("Every segment has had a visitor enter it and an agent alert")
        .doesNotContain("the gateway refused a batch");
    for (String segment :
        new String[] {
          "repeat-visitors",
          "miami-visitors",
          "from-facebook",
          "from-google-search",
          "not-found-after-chat",
          "vip-customers",
          "hesitant-shoppers",
          "small-carts",
          "cups-cross-sell",
          "abandoned-carts"
        }) {
      assertThat(demo.output()).containsPattern("(?m)^  " + segment + " +[1-9]\\d* +\\d+ +[1-9]");
    }
    assertThat(demo.output()).as("the demo stops what it started").contains("vp: stopped kafka");
  }

  @Test
  void segmentFilesApplyIdempotentlyAndABrokenOneChangesNothing() throws Exception {
    LocalStackLauncher.Result up =
        stack.vp(Duration.ofMinutes(4), "up", "kafka", "registry", "profiler");
    assertThat(up.exitCode()).as(up.output()).isZero();
    Path file =
        Path.of(System.getProperty("vp.project.dir", "..")).resolve("deploy/demo/segments.yaml");

    LocalStackLauncher.Result first =
        stack.vp(Duration.ofMinutes(2), "segments", "apply", "-f", file.toString());
    LocalStackLauncher.Result again =
        stack.vp(Duration.ofMinutes(2), "segments", "apply", "-f", file.toString());

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("0 created, 0 updated, 10 unchanged, 0 deleted");

    Path broken = state.resolve("broken.yaml");
    Files.writeString(
        broken,
        Files.readString(file)
            .replace("condition: visitor.visits >= 2", "condition: visitor.vists >= 2")
            .replace("name: Came from Facebook", "name: Came from Facebook (changed)"));
    LocalStackLauncher.Result refused =
        stack.vp(Duration.ofMinutes(2), "segments", "apply", "-f", broken.toString());
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output())
        .contains("nothing was applied")
        .containsPattern("broken.yaml:7: repeat-visitors: condition:1:\\d+");
    LocalStackLauncher.Result list = stack.vp(Duration.ofMinutes(2), "segments", "list");
    assertThat(list.output())
        .as("the valid change in the refused file was not applied either")
        .containsPattern("(?m)^from-facebook +demo +25 +1 ");
  }
}
