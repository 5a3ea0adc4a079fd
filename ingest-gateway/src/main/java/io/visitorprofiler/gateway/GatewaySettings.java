package io.visitorprofiler.gateway;

import io.visitorprofiler.gateway.site.SiteRegistry;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the ingest gateway, read once from the environment with local defaults (see the
 * module README for the list).
 */
public record GatewaySettings(
    SiteRegistry sites,
    int maxBodyBytes,
    int maxBatchEvents,
    double siteEventsPerSecond,
    double addressRequestsPerSecond,
    int maxInFlightEvents,
    Duration admissionWait,
    Duration ackTimeout,
    boolean trustForwardedFor,
    Optional<String> geoCountryHeader,
    Optional<String> geoRegionHeader,
    Optional<String> geoCityHeader,
    Optional<Path> geoIpDatabase,
    int userAgentCacheSize,
    Duration invitationLookback,
    Map<String, Object> kafka,
    String schemaRegistryUrl,
    Optional<String> schemaRegistryUserInfo,
    HttpSettings http) {

  public GatewaySettings {
    if (siteEventsPerSecond > 0 && maxBatchEvents > 2 * siteEventsPerSecond) {
      throw new io.visitorprofiler.runtime.config.ConfigException(
          "VP_GATEWAY_MAX_BATCH_EVENTS ("
              + maxBatchEvents
              + ") must not exceed the site burst, twice VP_GATEWAY_SITE_EVENTS_PER_SECOND ("
              + (long) siteEventsPerSecond
              + "): such a batch could never be admitted");
    }
    if (http.stopTimeout().compareTo(admissionWait.plus(ackTimeout)) < 0) {
      throw new io.visitorprofiler.runtime.config.ConfigException(
          "VP_HTTP_STOP_TIMEOUT ("
              + http.stopTimeout()
              + ") must be at least VP_GATEWAY_ADMISSION_WAIT plus VP_GATEWAY_ACK_TIMEOUT ("
              + admissionWait.plus(ackTimeout)
              + "): a stop would cut batches still waiting for Kafka's acknowledgement");
    }
    if (maxBatchEvents > maxInFlightEvents) {
      throw new io.visitorprofiler.runtime.config.ConfigException(
          "VP_GATEWAY_MAX_BATCH_EVENTS ("
              + maxBatchEvents
              + ") must not exceed VP_GATEWAY_MAX_IN_FLIGHT_EVENTS ("
              + maxInFlightEvents
              + "): such a batch would be answered 503 on every retry");
    }
  }

  public static GatewaySettings fromEnv(EnvConfig env) {
    return new GatewaySettings(
        SiteRegistry.parse(env.string("VP_GATEWAY_SITES", SiteRegistry.LOCAL_DEFAULT)),
        env.integer("VP_GATEWAY_MAX_BODY_KB", 512, 1, 16 * 1024) * 1024,
        env.integer("VP_GATEWAY_MAX_BATCH_EVENTS", 500, 1, 10_000),
        env.integer("VP_GATEWAY_SITE_EVENTS_PER_SECOND", 20_000, 0, 10_000_000),
        env.integer("VP_GATEWAY_ADDRESS_REQUESTS_PER_SECOND", 50, 0, 1_000_000),
        env.integer("VP_GATEWAY_MAX_IN_FLIGHT_EVENTS", 50_000, 100, 10_000_000),
        env.duration("VP_GATEWAY_ADMISSION_WAIT", Duration.ofMillis(250)),
        env.duration("VP_GATEWAY_ACK_TIMEOUT", Duration.ofSeconds(15)),
        env.bool("VP_GATEWAY_TRUST_FORWARDED_FOR", false),
        env.optional("VP_GATEWAY_GEO_COUNTRY_HEADER"),
        env.optional("VP_GATEWAY_GEO_REGION_HEADER"),
        env.optional("VP_GATEWAY_GEO_CITY_HEADER"),
        env.optional("VP_GATEWAY_GEOIP_DATABASE").map(Path::of),
        env.integer("VP_GATEWAY_USER_AGENT_CACHE", 10_000, 0, 1_000_000),
        env.duration("VP_GATEWAY_INVITATION_LOOKBACK", Duration.ofMinutes(2)),
        KafkaClientProperties.fromEnv(env),
        env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL),
        env.optional("VP_SCHEMA_REGISTRY_BASIC_AUTH"),
        HttpSettings.fromEnv(env, 8080));
  }

  /** Serde configuration for the registry. */
  public Map<String, Object> serdeConfig() {
    return SchemaRegistryConfig.serdeConfig(schemaRegistryUrl, schemaRegistryUserInfo);
  }
}
