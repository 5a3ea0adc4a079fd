package io.visitorprofiler.notifier.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.runtime.config.ConfigException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Signatures receivers can check, and subscriptions read from configuration. */
class WebhookSignatureTest {
  private static final byte[] BODY = "{\"visitorId\":\"v-1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSignatureIsHmacSha256OverTimestampDotBody() {
    // Reference value computed independently: echo -n '1795000000.{"visitorId":"v-1"}' |
    // openssl dgst -sha256 -hmac 'top-secret-0123456789'
    String signature = WebhookSignature.sign("top-secret-0123456789", 1_795_000_000L, BODY);
    assertThat(signature)
        .isEqualTo("sha256=cb51f9497e5f182d19132cb1cf2b4ee79d7dfdd378f61c0a0fa55d00e67ca1de");
    assertThat(WebhookSignature.verify("top-secret-0123456789", 1_795_000_000L, BODY, signature))
        .isTrue();
    assertThat(WebhookSignature.verify("top-secret-0123456789", 1_795_000_001L, BODY, signature))
        .isFalse();
    assertThat(WebhookSignature.verify("other-secret-0123456789", 1_795_000_000L, BODY, signature))
        .isFalse();
    assertThat(WebhookSignature.verify("top-secret-0123456789", 1_795_000_000L, BODY, null))
        .isFalse();
  }

  @Test
  void subscriptionsAreParsedAndBadOnesRefused() {
    assertThat(
            WebhookSubscriptions.parse(
                "vip|secret-0123456789abcdef|https://crm.example/hook;*|secret-0123456789abcdef|http://127.0.0.1:9/x"))
        .hasSize(2)
        .first()
        .satisfies(w -> assertThat(w.wants("vip")).isTrue())
        .satisfies(w -> assertThat(w.wants("other")).isFalse());
    assertThat(WebhookSubscriptions.parse("")).isEmpty();
    assertThatThrownBy(() -> WebhookSubscriptions.parse("vip|short|https://x.example"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> WebhookSubscriptions.parse("vip|secret-0123456789abcdef|ftp://x"))
        .isInstanceOf(ConfigException.class);
    assertThat(WebhookSubscriptions.parse("*|secret-0123456789abcdef|https://x.example").get(0))
        .hasToString("Webhook[* -> x.example]");
  }
}
