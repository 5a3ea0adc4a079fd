package io.visitorprofiler.notifier.webhook;

import java.net.URI;

/** A subscription: segment changes of {@code segmentId} ({@code *} for all) posted to a URL. */
public record Webhook(String segmentId, String secret, URI url) {
  public boolean wants(String segment) {
    return segmentId.equals("*") || segmentId.equals(segment);
  }

  @Override
  public String toString() {
    return "Webhook[" + segmentId + " -> " + url.getHost() + "]"; // never the secret
  }
}
