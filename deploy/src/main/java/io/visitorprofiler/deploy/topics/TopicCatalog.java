package io.visitorprofiler.deploy.topics;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The declarative topic file ({@code deploy/topics.yaml}) read into validated {@link TopicSpec}s.
 */
public final class TopicCatalog {
  /** Classpath location of the catalogue packaged with this module. */
  public static final String RESOURCE = "/topics.yaml";

  private final List<TopicSpec> topics;

  private TopicCatalog(List<TopicSpec> topics) {
    this.topics = List.copyOf(topics);
  }

  public List<TopicSpec> topics() {
    return topics;
  }

  public Optional<TopicSpec> topic(String name) {
    return topics.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The catalogue that ships with this module. */
  public static TopicCatalog bundled(Overrides overrides) {
    try (InputStream in = TopicCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return parse(in, RESOURCE, overrides);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TopicCatalog fromFile(Path file, Overrides overrides) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString(), overrides);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read topic file " + file, e);
    }
  }

  /**
   * Settings that differ between clusters while the file stays the same.
   *
   * @param replicationFactor replaces the file's default replication factor
   * @param minInsyncReplicas replaces the file's default {@code min.insync.replicas}
   */
  public record Overrides(OptionalInt replicationFactor, OptionalInt minInsyncReplicas) {
    public static final Overrides NONE = new Overrides(OptionalInt.empty(), OptionalInt.empty());
  }

  static TopicCatalog parse(InputStream in, String origin, Overrides overrides) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    FileModel model = yaml.readValue(in, FileModel.class);
    List<String> errors = new ArrayList<>();
    if (model.defaults == null || model.topics == null || model.topics.isEmpty()) {
      throw new InvalidTopicCatalogException(origin + ": needs `defaults` and a list of `topics`");
    }
    int replication = overrides.replicationFactor().orElse(model.defaults.replicationFactor);
    int minIsr = overrides.minInsyncReplicas().orElse(model.defaults.minInsyncReplicas);
    if (replication < 1 || minIsr < 1 || minIsr > replication) {
      errors.add(
          "replication factor "
              + replication
              + " and min.insync.replicas "
              + minIsr
              + " must satisfy 1 <= min.insync.replicas <= replication factor");
    }
    List<TopicSpec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < model.topics.size(); i++) {
      TopicModel t = model.topics.get(i);
      String where = "topics[" + i + "]" + (t.name == null ? "" : " (" + t.name + ")");
      if (t.name == null || !t.name.matches("[a-zA-Z0-9._-]{1,249}")) {
        errors.add(where + ": name must be 1-249 of [a-zA-Z0-9._-]");
        continue;
      }
      if (!names.add(t.name)) {
        errors.add(where + ": listed twice");
      }
      if (t.partitions < 1) {
        errors.add(where + ": partitions must be at least 1");
      }
      if (!Set.of("delete", "compact", "compact,delete").contains(t.cleanupPolicy)) {
        errors.add(where + ": cleanupPolicy must be delete, compact or compact,delete");
      }
      if (t.retentionMs == null || (t.retentionMs < 1 && t.retentionMs != -1)) {
        errors.add(where + ": retentionMs must be positive, or -1 for unlimited");
      }
      Map<String, String> configs = new TreeMap<>(t.configs);
      configs.put("cleanup.policy", t.cleanupPolicy);
      configs.put("retention.ms", String.valueOf(t.retentionMs));
      configs.put("min.insync.replicas", String.valueOf(minIsr));
      specs.add(
          new TopicSpec(
              t.name,
              t.description == null ? "" : t.description,
              t.partitions,
              (short) replication,
              configs));
    }
    for (List<String> group : model.coPartitioned) {
      Set<Integer> counts = new HashSet<>();
      for (String name : group) {
        specs.stream()
            .filter(s -> s.name().equals(name))
            .findFirst()
            .ifPresentOrElse(
                s -> counts.add(s.partitions()),
                () -> errors.add("coPartitioned names " + name + ", which is not a listed topic"));
      }
      if (counts.size() > 1) {
        errors.add("coPartitioned topics " + group + " must have the same partition count");
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidTopicCatalogException(origin + ":\n  " + String.join("\n  ", errors));
    }
    return new TopicCatalog(specs);
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  static final class FileModel {
    public DefaultsModel defaults;
    public List<TopicModel> topics;
    public List<List<String>> coPartitioned = List.of();
  }

  static final class DefaultsModel {
    public int replicationFactor = 1;
    public int minInsyncReplicas = 1;
  }

  static final class TopicModel {
    public String name;
    public String description;
    public int partitions;
    public String cleanupPolicy = "delete";
    public Long retentionMs;
    public Map<String, String> configs = new LinkedHashMap<>();
  }
}
