package io.visitorprofiler.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
  @Test
  void bootstrapDefaultsToTheLocalBroker() {
    assertThat(KafkaClientProperties.fromEnv(new EnvConfig(Map.of())))
        .containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
  }

  @Test
  void prefixedVariablesBecomeClientProperties() {
    Map<String, Object> props =
        KafkaClientProperties.fromEnv(
            new EnvConfig(
                Map.of(
                    "VP_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093",
                    "VP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "VP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "OTHER", "ignored")));
    assertThat(props)
        .containsEntry("bootstrap.servers", "broker-1:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .hasSize(3);
  }

  @Test
  void variablesOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=/etc/ts.p12\n");
    Map<String, Object> props =
        KafkaClientProperties.fromEnv(
            new EnvConfig(
                Map.of(
                    "VP_KAFKA_CONFIG_FILE",
                    file.toString(),
                    "VP_KAFKA_SECURITY_PROTOCOL",
                    "SASL_SSL")));
    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.location", "/etc/ts.p12")
        .doesNotContainKey("config.file");
  }

  @Test
  void anUnreadableConfigFileIsNamed() {
    assertThatThrownBy(
            () ->
                KafkaClientProperties.fromEnv(
                    new EnvConfig(
                        Map.of("VP_KAFKA_CONFIG_FILE", "/nonexistent/client.properties"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VP_KAFKA_CONFIG_FILE names /nonexistent/client.properties");
  }

  @Test
  void describeMasksSecrets() {
    String text =
        KafkaClientProperties.describe(
            Map.of(
                "sasl.jaas.config", "org.apache...ScramLoginModule required password=\"p\";",
                "ssl.keystore.password", "p",
                "ssl.keystore.location", "/etc/ks.p12",
                "key.serializer", "StringSerializer"));
    assertThat(text)
        .isEqualTo(
            "key.serializer=StringSerializer, sasl.jaas.config=****,"
                + " ssl.keystore.location=/etc/ks.p12, ssl.keystore.password=****");
  }

  @Test
  void describeMasksAnInlinePrivateKeyAndItsPassphrase() {
    String text =
        KafkaClientProperties.describe(
            Map.of(
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\nMIIE...",
                "sasl.oauthbearer.assertion.private.key.passphrase", "p",
                "ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----"));
    assertThat(text)
        .isEqualTo(
            "sasl.oauthbearer.assertion.private.key.passphrase=****,"
                + " ssl.keystore.certificate.chain=-----BEGIN CERTIFICATE-----,"
                + " ssl.keystore.key=****");
  }
}
