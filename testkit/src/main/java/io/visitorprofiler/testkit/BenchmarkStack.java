package io.visitorprofiler.testkit;

import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicReconciler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * What every benchmark stands on: a one-broker KRaft cluster in this JVM with every topic of
 * deploy/topics.yaml (one replica), and Apicurio Registry as a child process.
 */
public final class BenchmarkStack implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final ApicurioRegistryProcess registry;

  private BenchmarkStack(KafkaClusterTestKit cluster, ApicurioRegistryProcess registry) {
    this.cluster = cluster;
    this.registry = registry;
  }

  /** Starts both and creates the topics; the registry logs to {@code work/registry.log}. */
  public static BenchmarkStack start(Path work) throws Exception {
    KafkaClusterTestKit cluster = KafkaClusterExtension.start(1);
    ApicurioRegistryProcess registry =
        ApicurioRegistryProcess.start(
            SchemaRegistryExtension.freePort(), work.resolve("registry.log"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      new TopicReconciler(admin, Duration.ofSeconds(60))
          .reconcile(
              TopicCatalog.bundled(
                  new TopicCatalog.Overrides(OptionalInt.of(1), OptionalInt.of(1))),
              TopicReconciler.Mode.APPLY);
    }
    return new BenchmarkStack(cluster, registry);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public String registryUrl() {
    return registry.confluentApiUrl();
  }

  @Override
  public void close() throws Exception {
    registry.close();
    cluster.close();
  }
}
