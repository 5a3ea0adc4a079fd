package io.visitorprofiler.sink;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of segment-sink, read once from the environment with local defaults.
 *
 * @param jdbcUrl a PostgreSQL JDBC URL; empty means an embedded PostgreSQL with its data in {@code
 *     embeddedDataDir}
 * @param writers delivery loops, each with its own consumer (same group) and database connection:
 *     PostgreSQL writes one transaction per backend, so parallel loops use more of its cores
 * @param readTokens tokens that may read the query API (the admin token and agent tokens)
 */
public record SinkSettings(
    Optional<String> jdbcUrl,
    Optional<String> jdbcUser,
    Optional<String> jdbcPassword,
    int poolSize,
    Path embeddedDataDir,
    String groupId,
    int maxPollRecords,
    int writers,
    Duration retryBackoff,
    Map<String, Object> kafka,
    String schemaRegistryUrl,
    Optional<String> schemaRegistryUserInfo,
    HttpSettings http,
    List<String> readTokens) {

  public static SinkSettings fromEnv(EnvConfig env) {
    String admin = env.string("VP_ADMIN_TOKEN", "demo-admin");
    List<String> agents =
        Arrays.stream(env.string("VP_SINK_AGENT_TOKENS", "demo-agent").split(","))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toList();
    List<String> tokens = new java.util.ArrayList<>(agents);
    tokens.add(admin);
    if (tokens.stream().anyMatch(t -> t.length() < 8)) {
      throw new ConfigException(
          "VP_ADMIN_TOKEN and VP_SINK_AGENT_TOKENS must be at least 8 characters each");
    }
    int poolSize = env.integer("VP_SINK_POOL_SIZE", 6, 1, 64);
    int writers = env.integer("VP_SINK_WRITERS", 2, 1, 12);
    if (writers >= poolSize) {
      throw new ConfigException(
          "VP_SINK_POOL_SIZE ("
              + poolSize
              + ") must exceed VP_SINK_WRITERS ("
              + writers
              + "): each writer holds a connection, the query API needs one more");
    }
    return new SinkSettings(
        env.optional("VP_SINK_JDBC_URL"),
        env.optional("VP_SINK_JDBC_USER"),
        env.optional("VP_SINK_JDBC_PASSWORD"),
        poolSize,
        Path.of(env.string("VP_SINK_EMBEDDED_DATA_DIR", ".vp/data/segment-sink/postgres")),
        env.string("VP_SINK_GROUP_ID", "vp-segment-sink"),
        env.integer("VP_SINK_MAX_POLL_RECORDS", 5000, 1, 100_000),
        writers,
        env.duration("VP_SINK_RETRY_BACKOFF", Duration.ofSeconds(2)),
        KafkaClientProperties.fromEnv(env),
        env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL),
        env.optional("VP_SCHEMA_REGISTRY_BASIC_AUTH"),
        HttpSettings.fromEnv(env, 8070),
        List.copyOf(tokens));
  }

  /** Serde configuration for the registry. */
  public Map<String, Object> serdeConfig() {
    return SchemaRegistryConfig.serdeConfig(schemaRegistryUrl, schemaRegistryUserInfo);
  }
}
