package io.visitorprofiler.deploy.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.runtime.config.EnvConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void usageErrorsExitWithTwoAndExplain() {
    assertThat(run("delete")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'delete'").contains("usage: vp topics");
    assertThat(run("verify", "--fix")).isEqualTo(2);
    assertThat(err()).contains("--fix goes with apply, not verify");
    assertThat(run("apply", "--replication-factor", "three")).isEqualTo(2);
    assertThat(err()).contains("--replication-factor needs a number, got three");
    assertThat(run("apply", "--timeout", "soon")).isEqualTo(2);
    assertThat(err()).contains("--timeout must be a duration");
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"apply", "--help"}}) {
      assertThat(run(args)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: vp topics");
      assertThat(err()).isEmpty();
      out.reset();
    }
  }

  @Test
  void aBadTopicFileIsNamedWithItsProblems() {
    assertThat(run("verify", "--file", "/nonexistent/topics.yaml")).isEqualTo(2);
    assertThat(err()).contains("cannot read topic file /nonexistent/topics.yaml");
  }

  @Test
  void anUnreachableClusterIsAClearErrorWithinTheTimeout() {
    assertThat(run("verify", "--bootstrap-server", "127.0.0.1:1", "--timeout", "2s")).isEqualTo(2);
    assertThat(err()).contains("vp topics:").contains("did not answer within 2 s");
  }

  @Test
  void theReportSaysWhatToDoAboutEachDrift() {
    TopicReport report =
        new TopicReport(
            java.util.List.of("vp.chat.v1"),
            java.util.List.of(),
            java.util.List.of("vp.invitations.v1"),
            java.util.List.of(
                new TopicDrift("vp.clickstream.v1", "retention.ms", "604800000", "1000", true),
                new TopicDrift("vp.clickstream.v1", "partitions", "12", "6", false)),
            java.util.List.of(),
            java.util.List.of("vp.old.v0"));
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    TopicsCommand.print(report, TopicReconciler.Mode.VERIFY, print);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("ok         vp.chat.v1")
        .contains("missing    vp.invitations.v1  (run `vp topics apply`)")
        .contains(
            "drift      vp.clickstream.v1  retention.ms: expected 604800000, found 1000  (apply --fix corrects it)")
        .contains(
            "drift      vp.clickstream.v1  partitions: expected 12, found 6  (not changed automatically")
        .contains("unmanaged  vp.old.v0  (not in the topic file)")
        .contains("topics: 1 missing, 2 drifted");
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return TopicsCommand.run(
        args,
        new EnvConfig(Map.of()),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
