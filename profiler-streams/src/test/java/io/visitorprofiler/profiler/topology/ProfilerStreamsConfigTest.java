package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.ProfilerSettings;
import io.visitorprofiler.runtime.config.EnvConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProfilerStreamsConfigTest {

  @Test
  void theProducerCompressesAndFillsLargeBatchesByDefault() {
    Map<String, Object> producer = producerConfigs(Map.of());

    assertThat(producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("lz4");
    assertThat(producer.get(ProducerConfig.BATCH_SIZE_CONFIG))
        .isEqualTo(ProfilerStreamsConfig.PRODUCER_BATCH_BYTES);
  }

  @Test
  void aProducerSettingGivenByTheOperatorWinsOverOurDefault() {
    // Plain, as any Kafka client property is passed through ...
    Map<String, Object> plain =
        producerConfigs(
            Map.of("VP_KAFKA_COMPRESSION_TYPE", "zstd", "VP_KAFKA_BATCH_SIZE", "16384"));
    assertThat(plain.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("zstd");
    assertThat(plain.get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("16384");

    // ... or with Kafka Streams' prefix for its producers only.
    Map<String, Object> prefixed =
        producerConfigs(
            Map.of(
                "VP_KAFKA_PRODUCER_COMPRESSION_TYPE", "gzip",
                "VP_KAFKA_PRODUCER_BATCH_SIZE", "65536"));
    assertThat(prefixed.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("gzip");
    assertThat(prefixed.get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("65536");
  }

  @Test
  void theStreamThreadsFetchesAreHeldBrieflyByDefault() {
    assertThat(mainConsumerConfigs(Map.of()).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo(ProfilerStreamsConfig.FETCH_MAX_WAIT_MS);
  }

  @Test
  void aFetchWaitGivenByTheOperatorWinsOverOurDefault() {
    assertThat(
            mainConsumerConfigs(Map.of("VP_KAFKA_FETCH_MAX_WAIT_MS", "500"))
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo("500");
    assertThat(
            mainConsumerConfigs(Map.of("VP_KAFKA_MAIN_CONSUMER_FETCH_MAX_WAIT_MS", "100"))
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo("100");
    // Kafka Streams' prefix for all its consumers, which our main.consumer. default would beat.
    assertThat(
            mainConsumerConfigs(Map.of("VP_KAFKA_CONSUMER_FETCH_MAX_WAIT_MS", "200"))
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo("200");
  }

  @Test
  void theStreamThreadsCommitEvery50MsUnlessTheOperatorSaysOtherwise() {
    assertThat(streamsConfig(Map.of()).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(ProfilerStreamsConfig.COMMIT_INTERVAL_MS)
        .isNotEqualTo(100L); // not Kafka Streams' exactly-once default by accident
    assertThat(
            streamsConfig(Map.of("VP_KAFKA_COMMIT_INTERVAL_MS", "200"))
                .getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(200L);
  }

  @Test
  void processingIsExactlyOnce() {
    StreamsConfig config = streamsConfig(Map.of());

    assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }

  @Test
  void theDeadLetterHandlerAlsoTakesTheGlobalDefinitionsStoresFailures() {
    StreamsConfig config = streamsConfig(Map.of());

    assertThat(config.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
        .isTrue();
  }

  @Test
  void rocksDbIsBoundedAndItsBackgroundWorkLowPriorityByDefault() {
    Properties props = ProfilerStreamsConfig.of(settings(Map.of()), "h:1");

    assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(ProfilerRocksDbConfig.class);
    assertThat(props.get(ProfilerRocksDbConfig.MEMORY_BYTES)).isEqualTo(String.valueOf(128L << 20));
    assertThat(props.get(ProfilerRocksDbConfig.LOW_PRIORITY)).isEqualTo("true");
  }

  @Test
  void rocksDbSettingsFollowTheEnvironment() {
    Properties props =
        ProfilerStreamsConfig.of(
            settings(
                Map.of(
                    "VP_PROFILER_ROCKSDB_MEMORY_MB", "0",
                    "VP_PROFILER_ROCKSDB_LOW_PRIORITY", "false")),
            "h:1");

    assertThat(props).doesNotContainKey(ProfilerRocksDbConfig.MEMORY_BYTES);
    assertThat(props.get(ProfilerRocksDbConfig.LOW_PRIORITY)).isEqualTo("false");
  }

  @Test
  void anOperatorsOwnRocksDbConfigSetterReplacesOurs() {
    Properties props =
        ProfilerStreamsConfig.of(
            settings(Map.of("VP_KAFKA_ROCKSDB_CONFIG_SETTER", "com.example.Setter")), "h:1");

    assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo("com.example.Setter");
  }

  private static Map<String, Object> producerConfigs(Map<String, String> env) {
    return streamsConfig(env).getProducerConfigs("client");
  }

  private static StreamsConfig streamsConfig(Map<String, String> env) {
    return new StreamsConfig(ProfilerStreamsConfig.of(settings(env), "h:1"));
  }

  private static Map<String, Object> mainConsumerConfigs(Map<String, String> env) {
    return streamsConfig(env).getMainConsumerConfigs("group", "client", 0);
  }

  private static ProfilerSettings settings(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("VP_PROFILER_STATE_DIR", "target/config-test-state");
    return ProfilerSettings.fromEnv(new EnvConfig(all));
  }
}
