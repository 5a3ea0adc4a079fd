package io.visitorprofiler.deploy.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The reconciler against a real KRaft broker: create, idempotence, drift and its fix. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicReconcilerIT {
  private static KafkaClusterTestKit cluster;
  private static Admin admin;
  private static final TopicCatalog CATALOG = TopicCatalog.bundled(TopicCatalog.Overrides.NONE);

  @BeforeAll
  static void startCluster() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    admin.close();
    cluster.close();
  }

  private TopicReport reconcile(TopicReconciler.Mode mode) {
    return new TopicReconciler(admin, Duration.ofSeconds(30)).reconcile(CATALOG, mode);
  }

  @Test
  @Order(1)
  void verifyOnAnEmptyClusterReportsEveryTopicMissingAndCreatesNothing() throws Exception {
    TopicReport report = reconcile(TopicReconciler.Mode.VERIFY);
    assertThat(report.missing()).hasSize(7);
    assertThat(report.clean()).isFalse();
    assertThat(admin.listTopics().names().get()).noneMatch(n -> n.startsWith("vp."));
  }

  @Test
  @Order(2)
  void applyCreatesEveryTopicAsDeclaredAndIsIdempotent() throws Exception {
    TopicReport first = reconcile(TopicReconciler.Mode.APPLY);
    assertThat(first.created()).hasSize(7);
    assertThat(first.clean()).isTrue();

    assertThat(
            admin
                .describeTopics(List.of("vp.clickstream.v1"))
                .allTopicNames()
                .get()
                .get("vp.clickstream.v1")
                .partitions())
        .hasSize(12);
    ConfigResource definitions =
        new ConfigResource(ConfigResource.Type.TOPIC, "vp.segment-definitions.v1");
    assertThat(
            admin
                .describeConfigs(List.of(definitions))
                .all()
                .get()
                .get(definitions)
                .get("cleanup.policy")
                .value())
        .isEqualTo("compact");

    TopicReport second = reconcile(TopicReconciler.Mode.APPLY);
    assertThat(second.created()).isEmpty();
    assertThat(second.inSync()).hasSize(7);
    assertThat(second.clean()).isTrue();
  }

  @Test
  @Order(3)
  void driftIsReportedAndOnlyConfigDriftIsFixed() throws Exception {
    ConfigResource clickstream = new ConfigResource(ConfigResource.Type.TOPIC, "vp.clickstream.v1");
    admin
        .incrementalAlterConfigs(
            Map.of(
                clickstream,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET))))
        .all()
        .get();
    admin.createPartitions(Map.of("vp.invitations.v1", NewPartitions.increaseTo(8))).all().get();
    admin.createTopics(List.of(new NewTopic("vp.forgotten.v0", 1, (short) 1))).all().get();
    // The controller acknowledges before the broker's metadata cache, which the reconciler
    // reads, has caught up; wait until the broker shows both changes.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                admin.listTopics().names().get().contains("vp.forgotten.v0")
                    && admin
                            .describeTopics(List.of("vp.invitations.v1"))
                            .allTopicNames()
                            .get()
                            .get("vp.invitations.v1")
                            .partitions()
                            .size()
                        == 8);

    TopicReport seen = reconcile(TopicReconciler.Mode.APPLY);
    assertThat(seen.drift())
        .containsExactlyInAnyOrder(
            new TopicDrift("vp.clickstream.v1", "retention.ms", "604800000", "1000", true),
            new TopicDrift("vp.invitations.v1", "partitions", "6", "8", false));
    assertThat(seen.unmanaged()).containsExactly("vp.forgotten.v0");

    TopicReport fixed = reconcile(TopicReconciler.Mode.APPLY_AND_FIX);
    assertThat(fixed.fixed())
        .containsExactly(
            new TopicDrift("vp.clickstream.v1", "retention.ms", "604800000", "1000", true));
    assertThat(fixed.drift())
        .containsExactly(new TopicDrift("vp.invitations.v1", "partitions", "6", "8", false));

    // As above: the broker that answers describeConfigs learns of the fix after the controller.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .describeConfigs(List.of(clickstream))
                            .all()
                            .get()
                            .get(clickstream)
                            .get("retention.ms")
                            .value())
                    .isEqualTo("604800000"));
    assertThat(admin.listTopics().names().get()).containsAll(Set.of("vp.forgotten.v0"));
  }
}
