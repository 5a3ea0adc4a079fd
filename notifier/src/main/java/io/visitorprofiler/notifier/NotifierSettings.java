package io.visitorprofiler.notifier;

import io.visitorprofiler.notifier.agent.AgentDirectory;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of the notifier, from the environment with local defaults. */
public record NotifierSettings(
    AgentDirectory agents,
    Duration dedupeWindow,
    int replayAlerts,
    Duration replayWindow,
    Path muteFile,
    Map<String, Object> kafka,
    String schemaRegistryUrl,
    Optional<String> schemaRegistryUserInfo,
    HttpSettings http) {

  public static NotifierSettings fromEnv(EnvConfig env) {
    return new NotifierSettings(
        AgentDirectory.parse(env.string("VP_NOTIFIER_AGENTS", AgentDirectory.LOCAL_DEFAULT)),
        env.duration("VP_NOTIFIER_DEDUPE_WINDOW", Duration.ofMinutes(10)),
        env.integer("VP_NOTIFIER_REPLAY_ALERTS", 200, 0, 100_000),
        env.duration("VP_NOTIFIER_REPLAY_WINDOW", Duration.ofMinutes(15)),
        Path.of(env.string("VP_NOTIFIER_MUTE_FILE", ".vp/data/notifier/mutes.json")),
        KafkaClientProperties.fromEnv(env),
        env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL),
        env.optional("VP_SCHEMA_REGISTRY_BASIC_AUTH"),
        HttpSettings.fromEnv(env, 8090));
  }

  public Map<String, Object> serdeConfig() {
    return SchemaRegistryConfig.serdeConfig(schemaRegistryUrl, schemaRegistryUserInfo);
  }
}
