package io.visitorprofiler.profiler;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of profiler-streams, read once from the environment with local defaults and
 * validated at start.
 *
 * @param minDwell default minimum time in a segment before EXITED (anti-flapping)
 * @param timerInterval how often due timers and definition changes are looked at (wall clock)
 * @param fallbackTick re-check interval of time-dependent rules without a constant threshold
 * @param rocksDbMemoryBytes the block cache of all RocksDB stores together (0: Kafka Streams'
 *     defaults)
 * @param rocksDbLowPriority whether RocksDB's flushes and compactions run at the lowest CPU
 *     priority
 * @param advertisedHost the host other instances use to forward interactive queries here (the pod's
 *     DNS name in Kubernetes, where the HTTP server binds 0.0.0.0)
 */
public record ProfilerSettings(
    String applicationId,
    String stateDir,
    int threads,
    int standbyReplicas,
    long rocksDbMemoryBytes,
    boolean rocksDbLowPriority,
    ProfileSettings profiles,
    Duration minDwell,
    Duration timerInterval,
    Duration fallbackTick,
    Map<String, Object> kafka,
    String schemaRegistryUrl,
    Optional<String> schemaRegistryUserInfo,
    HttpSettings http,
    String advertisedHost,
    String adminToken) {

  public static ProfilerSettings fromEnv(EnvConfig env) {
    ProfileSettings profiles =
        new ProfileSettings(
            env.duration("VP_PROFILER_SESSION_GAP", Duration.ofMinutes(30)),
            env.duration("VP_PROFILER_ONLINE_WINDOW", Duration.ofMinutes(2)),
            env.duration("VP_PROFILER_RETENTION", Duration.ofDays(30)),
            env.integer("VP_PROFILER_MAX_LIST_ENTRIES", 25, 1, 1000),
            env.integer("VP_PROFILER_MAX_VALUE_LENGTH", 256, 16, 65536));
    String adminToken = env.string("VP_ADMIN_TOKEN", "demo-admin");
    if (adminToken.length() < 8) {
      throw new ConfigException("VP_ADMIN_TOKEN must be at least 8 characters");
    }
    HttpSettings http = HttpSettings.fromEnv(env, 8060);
    return new ProfilerSettings(
        env.string("VP_PROFILER_APPLICATION_ID", "vp-profiler"),
        env.string("VP_PROFILER_STATE_DIR", ".vp/data/profiler-streams"),
        env.integer("VP_PROFILER_THREADS", 1, 1, 64),
        env.integer("VP_PROFILER_STANDBY_REPLICAS", 0, 0, 5),
        env.integer("VP_PROFILER_ROCKSDB_MEMORY_MB", 128, 0, 65536) * 1024L * 1024L,
        env.bool("VP_PROFILER_ROCKSDB_LOW_PRIORITY", true),
        profiles,
        env.duration("VP_PROFILER_MIN_DWELL", Duration.ZERO),
        env.duration("VP_PROFILER_TIMER_INTERVAL", Duration.ofSeconds(1)),
        env.duration("VP_PROFILER_FALLBACK_TICK", Duration.ofSeconds(30)),
        KafkaClientProperties.fromEnv(env),
        env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL),
        env.optional("VP_SCHEMA_REGISTRY_BASIC_AUTH"),
        http,
        env.string("VP_PROFILER_ADVERTISED_HOST", http.host()),
        adminToken);
  }

  /** Serde configuration for the registry. */
  public Map<String, Object> serdeConfig() {
    return SchemaRegistryConfig.serdeConfig(schemaRegistryUrl, schemaRegistryUserInfo);
  }
}
