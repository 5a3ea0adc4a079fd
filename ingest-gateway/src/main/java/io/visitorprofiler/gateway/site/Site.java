package io.visitorprofiler.gateway.site;

import java.util.List;

/**
 * A website that may post events: its id, the write key its pages present, and the origins its
 * pages are served from (browsers' {@code Origin} header must be one of them).
 */
public record Site(String siteId, String writeKey, List<String> allowedOrigins) {
  public Site {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  public boolean allowsOrigin(String origin) {
    return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }
}
