package io.visitorprofiler.deploy.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {
  @Test
  void theBundledCatalogListsEveryDesignTopic() {
    TopicCatalog catalog = TopicCatalog.bundled(TopicCatalog.Overrides.NONE);
    assertThat(catalog.topics())
        .extracting(TopicSpec::name)
        .containsExactly(
            "vp.clickstream.v1",
            "vp.chat.v1",
            "vp.segment-definitions.v1",
            "vp.segment-changes.v1",
            "vp.invitations.v1",
            "vp.dead-letter.v1",
            "vp.erasure-requests.v1");
    TopicSpec definitions = catalog.topic("vp.segment-definitions.v1").orElseThrow();
    assertThat(definitions.configs())
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("min.insync.replicas", "1");
    assertThat(definitions.replicationFactor()).isEqualTo((short) 1);
  }

  @Test
  void productionOverridesReplaceTheDefaults() {
    TopicCatalog catalog =
        TopicCatalog.bundled(new TopicCatalog.Overrides(OptionalInt.of(3), OptionalInt.of(2)));
    assertThat(catalog.topics())
        .allSatisfy(
            t -> {
              assertThat(t.replicationFactor()).isEqualTo((short) 3);
              assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
            });
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() {
    String yaml =
        """
        defaults: {replicationFactor: 1, minInsyncReplicas: 1}
        topics:
          - {name: "bad name!", partitions: 1, retentionMs: 1}
          - {name: a, partitions: 0, cleanupPolicy: shred, retentionMs: 0}
          - {name: b, partitions: 3, retentionMs: 1000}
          - {name: b, partitions: 3, retentionMs: 1000}
        coPartitioned:
          - [a, b, c]
        """;
    assertThatThrownBy(() -> parse(yaml, TopicCatalog.Overrides.NONE))
        .isInstanceOf(InvalidTopicCatalogException.class)
        .hasMessageContaining("topics[0] (bad name!): name must be 1-249 of [a-zA-Z0-9._-]")
        .hasMessageContaining("topics[1] (a): partitions must be at least 1")
        .hasMessageContaining(
            "topics[1] (a): cleanupPolicy must be delete, compact or compact,delete")
        .hasMessageContaining("topics[1] (a): retentionMs must be positive, or -1 for unlimited")
        .hasMessageContaining("topics[3] (b): listed twice")
        .hasMessageContaining("coPartitioned names c, which is not a listed topic")
        .hasMessageContaining("coPartitioned topics [a, b, c] must have the same partition count");
  }

  @Test
  void minInsyncReplicasAboveTheReplicationFactorIsRefused() {
    String yaml =
        """
        defaults: {replicationFactor: 1, minInsyncReplicas: 1}
        topics:
          - {name: a, partitions: 1, retentionMs: 1000}
        """;
    assertThatThrownBy(
            () -> parse(yaml, new TopicCatalog.Overrides(OptionalInt.empty(), OptionalInt.of(2))))
        .hasMessageContaining("must satisfy 1 <= min.insync.replicas <= replication factor");
  }

  @Test
  void unknownKeysAreRefusedRatherThanIgnored() {
    String yaml =
        """
        defaults: {replicationFactor: 1, minInsyncReplicas: 1}
        topics:
          - {name: a, partitions: 1, retentionMs: 1000, retention: 7d}
        """;
    assertThatThrownBy(() -> parse(yaml, TopicCatalog.Overrides.NONE))
        .hasMessageContaining("retention");
  }

  private static TopicCatalog parse(String yaml, TopicCatalog.Overrides overrides)
      throws Exception {
    return TopicCatalog.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", overrides);
  }
}
