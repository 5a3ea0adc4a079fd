package io.visitorprofiler.notifier.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature receivers check: {@code X-VP-Signature: sha256=<hex>} over {@code
 * <X-VP-Timestamp>.<body>} with the webhook's secret (HMAC-SHA256). Receivers should also refuse
 * timestamps older than a few minutes, which stops replays.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-VP-Signature";
  public static final String TIMESTAMP_HEADER = "X-VP-Timestamp";

  private WebhookSignature() {}

  public static String sign(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** For receivers (and tests): whether {@code signature} is right, compared in constant time. */
  public static boolean verify(
      String secret, long timestampSeconds, byte[] body, String signature) {
    return signature != null
        && MessageDigest.isEqual(
            sign(secret, timestampSeconds, body).getBytes(StandardCharsets.UTF_8),
            signature.getBytes(StandardCharsets.UTF_8));
  }
}
