package io.visitorprofiler.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A registry URL as logs show it: credentials and queries left out. */
class SchemaRegistryConfigTest {
  @Test
  void aUrlForALogHasNoCredentialsOrQuery() {
    assertThat(
            SchemaRegistryConfig.redacted("https://vp:s3cret@registry.prod:8081/apis/ccompat/v7"))
        .isEqualTo("https://***@registry.prod:8081/apis/ccompat/v7");
    assertThat(SchemaRegistryConfig.redacted("http://registry:8081/?token=abc"))
        .isEqualTo("http://registry:8081/?***");
    assertThat(SchemaRegistryConfig.redacted("https://vp:p@ss/w#rd@registry.prod/apis"))
        .isEqualTo("https://***@registry.prod/apis");
    assertThat(SchemaRegistryConfig.redacted(SchemaRegistryConfig.LOCAL_URL))
        .isEqualTo(SchemaRegistryConfig.LOCAL_URL);
  }

  @Test
  void aUrlThatIsNoHttpUrlIsRefusedWithoutItsCredentials() {
    assertThatThrownBy(() -> SchemaRegistryConfig.of("ftp://vp:s3cret@registry"))
        .hasMessageContaining("ftp://***@registry")
        .hasMessageNotContaining("s3cret");
  }
}
