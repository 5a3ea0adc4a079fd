package io.visitorprofiler.notifier.webhook;

import io.visitorprofiler.runtime.config.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Webhooks from {@code VP_NOTIFIER_WEBHOOKS}: entries {@code segmentId|secret|url} separated by
 * {@code ;} or new lines; segment {@code *} subscribes to every segment.
 */
public final class WebhookSubscriptions {
  private WebhookSubscriptions() {}

  public static List<Webhook> parse(String spec) {
    List<Webhook> hooks = new ArrayList<>();
    for (String entry : spec.split("[;\\n]")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split("\\|", 3);
      if (parts.length != 3) {
        throw new ConfigException("VP_NOTIFIER_WEBHOOKS entries must be segmentId|secret|url");
      }
      if (parts[1].length() < 16) {
        throw new ConfigException(
            "the secret of the webhook for " + parts[0] + " must be at least 16 characters");
      }
      URI url;
      try {
        url = URI.create(parts[2].trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("webhook URL for " + parts[0] + " is not a URL");
      }
      if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
        throw new ConfigException("webhook URL for " + parts[0] + " must be http(s)");
      }
      hooks.add(new Webhook(parts[0].trim(), parts[1], url));
    }
    return List.copyOf(hooks);
  }
}
