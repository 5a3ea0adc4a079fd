package io.visitorprofiler.deploy.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Brings a cluster in line with a {@link TopicCatalog}: creates missing topics, reports every
 * difference, and corrects topic configs only when asked to. Safe to run again and again.
 */
public final class TopicReconciler {
  /** How far a run may change the cluster. */
  public enum Mode {
    /** Change nothing; report missing topics and drift. */
    VERIFY,
    /** Create missing topics; report drift. */
    APPLY,
    /** Create missing topics and set drifted topic configs to the catalogue's values. */
    APPLY_AND_FIX
  }

  /** Topics with this prefix belong to us; one the catalogue lacks is reported as unmanaged. */
  static final String MANAGED_PREFIX = "vp.";

  private final Admin admin;
  private final Duration timeout;

  public TopicReconciler(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  public TopicReport reconcile(TopicCatalog catalog, Mode mode) {
    Set<String> existing = await(admin.listTopics().names());
    List<String> inSync = new ArrayList<>();
    List<String> created = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<TopicDrift> drift = new ArrayList<>();
    List<TopicDrift> fixed = new ArrayList<>();

    List<TopicSpec> present = new ArrayList<>();
    for (TopicSpec spec : catalog.topics()) {
      if (existing.contains(spec.name())) {
        present.add(spec);
      } else if (mode == Mode.VERIFY) {
        missing.add(spec.name());
      } else {
        create(spec);
        created.add(spec.name());
      }
    }

    awaitVisible(created);
    Map<String, List<TopicDrift>> found = compare(present);
    for (TopicSpec spec : present) {
      List<TopicDrift> differences = found.getOrDefault(spec.name(), List.of());
      List<TopicDrift> fixableNow =
          mode == Mode.APPLY_AND_FIX
              ? differences.stream().filter(TopicDrift::fixable).toList()
              : List.of();
      if (!fixableNow.isEmpty()) {
        alterConfigs(spec.name(), fixableNow);
        fixed.addAll(fixableNow);
      }
      List<TopicDrift> remaining =
          differences.stream().filter(d -> !fixableNow.contains(d)).toList();
      drift.addAll(remaining);
      if (remaining.isEmpty()) {
        inSync.add(spec.name());
      }
    }

    Set<String> unmanaged = new TreeSet<>();
    for (String name : existing) {
      if (name.startsWith(MANAGED_PREFIX) && catalog.topic(name).isEmpty()) {
        unmanaged.add(name);
      }
    }
    return new TopicReport(inSync, created, missing, drift, fixed, List.copyOf(unmanaged));
  }

  private void create(TopicSpec spec) {
    NewTopic topic =
        new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
            .configs(spec.configs());
    try {
      await(admin.createTopics(List.of(topic)).all());
    } catch (TopicReconciliationException e) {
      // Another run created it between our listing and now: the comparison next time covers it.
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * A created topic takes a moment to reach every broker's metadata; callers (and {@code vp up})
   * may use it at once, so wait until the cluster describes all of them.
   */
  private void awaitVisible(List<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new TopicReconciliationException(
              "created topics did not become visible: " + e.getCause().getMessage(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TopicReconciliationException("interrupted", e);
      } catch (TimeoutException e) {
        throw new TopicReconciliationException(
            "the cluster did not answer within " + timeout.toSeconds() + " s", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TopicReconciliationException("interrupted", e);
      }
    }
  }

  private Map<String, List<TopicDrift>> compare(Collection<TopicSpec> specs) {
    Map<String, List<TopicDrift>> drift = new HashMap<>();
    if (specs.isEmpty()) {
      return drift;
    }
    List<String> names = specs.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames());
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all());

    for (TopicSpec spec : specs) {
      List<TopicDrift> differences = new ArrayList<>();
      TopicDescription description = descriptions.get(spec.name());
      int partitions = description.partitions().size();
      if (partitions != spec.partitions()) {
        differences.add(
            new TopicDrift(
                spec.name(),
                "partitions",
                String.valueOf(spec.partitions()),
                String.valueOf(partitions),
                false));
      }
      int replication = description.partitions().getFirst().replicas().size();
      if (replication != spec.replicationFactor()) {
        differences.add(
            new TopicDrift(
                spec.name(),
                "replication factor",
                String.valueOf(spec.replicationFactor()),
                String.valueOf(replication),
                false));
      }
      Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      spec.configs()
          .forEach(
              (key, expected) -> {
                ConfigEntry entry = actual.get(key);
                String value = entry == null ? null : entry.value();
                if (!expected.equals(value)) {
                  differences.add(
                      new TopicDrift(spec.name(), key, expected, String.valueOf(value), true));
                }
              });
      drift.put(spec.name(), differences);
    }
    return drift;
  }

  private void alterConfigs(String topic, List<TopicDrift> changes) {
    List<AlterConfigOp> ops =
        changes.stream()
            .map(
                d ->
                    new AlterConfigOp(
                        new ConfigEntry(d.property(), d.expected()), AlterConfigOp.OpType.SET))
            .toList();
    await(
        admin
            .incrementalAlterConfigs(
                Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops))
            .all());
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicReconciliationException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new TopicReconciliationException(
            "the cluster did not answer within "
                + timeout.toSeconds()
                + " s ("
                + e.getCause().getMessage()
                + ")",
            e.getCause());
      }
      throw new TopicReconciliationException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new TopicReconciliationException(
          "the cluster did not answer within " + timeout.toSeconds() + " s", e);
    }
  }
}
