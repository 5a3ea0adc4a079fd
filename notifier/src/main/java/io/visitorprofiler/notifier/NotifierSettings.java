package io.visitorprofiler.notifier;

import io.visitorprofiler.notifier.agent.AgentDirectory;
import io.visitorprofiler.notifier.webhook.Webhook;
import io.visitorprofiler.notifier.webhook.WebhookDispatcher;
import io.visitorprofiler.notifier.webhook.WebhookSubscriptions;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the notifier, from the environment with local defaults. */
public record NotifierSettings(
    AgentDirectory agents,
    Duration dedupeWindow,
    int replayAlerts,
    Duration replayWindow,
    Path muteFile,
    int chatsPerAgent,
    Duration onlineWindow,
    java.net.URI profilerUrl,
    java.net.URI sinkUrl,
    String adminToken,
    List<String> sites,
    double freeShippingThreshold,
    Duration invitationExpiry,
    List<Webhook> webhooks,
    WebhookDispatcher.Policy webhookPolicy,
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
        env.integer("VP_NOTIFIER_CHATS_PER_AGENT", 3, 1, 100),
        env.duration("VP_NOTIFIER_ONLINE_WINDOW", Duration.ofMinutes(30)),
        java.net.URI.create(env.string("VP_NOTIFIER_PROFILER_URL", "http://127.0.0.1:8060")),
        java.net.URI.create(env.string("VP_NOTIFIER_SINK_URL", "http://127.0.0.1:8070")),
        env.string("VP_ADMIN_TOKEN", "demo-admin"),
        java.util.Arrays.stream(env.string("VP_NOTIFIER_SITES", "demo").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList(),
        env.integer("VP_NOTIFIER_FREE_SHIPPING_THRESHOLD", 50, 0, 1_000_000),
        env.duration("VP_NOTIFIER_INVITATION_EXPIRY", Duration.ofMinutes(2)),
        WebhookSubscriptions.parse(env.string("VP_NOTIFIER_WEBHOOKS", "")),
        new WebhookDispatcher.Policy(
            env.integer("VP_NOTIFIER_WEBHOOK_ATTEMPTS", 5, 1, 20),
            env.duration("VP_NOTIFIER_WEBHOOK_BACKOFF", Duration.ofSeconds(1)),
            env.duration("VP_NOTIFIER_WEBHOOK_MAX_BACKOFF", Duration.ofMinutes(1)),
            env.duration("VP_NOTIFIER_WEBHOOK_TIMEOUT", Duration.ofSeconds(10)),
            env.integer("VP_NOTIFIER_WEBHOOK_QUEUE", 1000, 1, 1_000_000)),
        KafkaClientProperties.fromEnv(env),
        env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL),
        env.optional("VP_SCHEMA_REGISTRY_BASIC_AUTH"),
        HttpSettings.fromEnv(env, 8090));
  }

  public Map<String, Object> serdeConfig() {
    return SchemaRegistryConfig.serdeConfig(schemaRegistryUrl, schemaRegistryUserInfo);
  }
}
