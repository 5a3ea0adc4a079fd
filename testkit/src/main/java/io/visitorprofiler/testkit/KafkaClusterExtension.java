package io.visitorprofiler.testkit;

import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicReconciler;
import io.visitorprofiler.deploy.topics.TopicReport;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka cluster in KRaft mode inside the test JVM, started once per test class:
 * {@code @RegisterExtension static final KafkaClusterExtension kafka = new
 * KafkaClusterExtension();}
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final int brokers;
  private KafkaClusterTestKit cluster;

  public KafkaClusterExtension() {
    this(1);
  }

  public KafkaClusterExtension(int brokers) {
    this.brokers = brokers;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = start(brokers);
  }

  /**
   * Formats and starts a KRaft cluster of combined broker-controller nodes and waits until its
   * brokers are ready; for code outside JUnit (benchmarks). The caller closes it.
   */
  public static KafkaClusterTestKit start(int brokers) throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(brokers)
            .setNumControllerNodes(1)
            .build();
    short replication = (short) Math.min(3, brokers);
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", String.valueOf(replication))
            .setConfigProp("transaction.state.log.replication.factor", String.valueOf(replication))
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  public String bootstrapServers() {
    return cluster().bootstrapServers();
  }

  /** The minimum client properties to reach this cluster. */
  public Map<String, Object> clientProperties() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(clientProperties());
  }

  /** Creates every topic of {@code deploy/topics.yaml}, sized for this cluster. */
  public TopicReport createCatalogTopics() {
    int replication = Math.min(3, brokers);
    TopicCatalog catalog =
        TopicCatalog.bundled(
            new TopicCatalog.Overrides(
                OptionalInt.of(replication), OptionalInt.of(Math.max(1, replication - 1))));
    try (Admin admin = admin()) {
      return new TopicReconciler(admin, Duration.ofSeconds(30))
          .reconcile(catalog, TopicReconciler.Mode.APPLY);
    }
  }

  /**
   * The first committed record of a topic, read from its beginning without a consumer group, that
   * matches; empty when none arrived within {@code timeout}. Values stay bytes: the caller reads
   * them with its own deserializer.
   */
  public Optional<ConsumerRecord<String, byte[]>> firstRecord(
      String topic, Predicate<ConsumerRecord<String, byte[]>> matches, Duration timeout) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      WholeTopic.assignFromStart(consumer, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
          if (matches.test(record)) {
            return Optional.of(record);
          }
        }
      }
      return Optional.empty();
    }
  }

  /** The running cluster, for tests that inject faults into brokers. */
  public KafkaClusterTestKit cluster() {
    if (cluster == null) {
      throw new IllegalStateException("the Kafka cluster runs only between beforeAll and afterAll");
    }
    return cluster;
  }
}
