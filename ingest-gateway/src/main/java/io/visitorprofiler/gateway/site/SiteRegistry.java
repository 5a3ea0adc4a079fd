package io.visitorprofiler.gateway.site;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.http.BearerTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sites this gateway accepts, from {@code VP_GATEWAY_SITES}: entries separated by {@code ;},
 * each {@code siteId:writeKey:origin origin ...}, for example {@code
 * demo:demo-key:http://127.0.0.1:8080 http://localhost:8080}. An origin of {@code *} allows any
 * page (for server-side senders and tests only).
 */
public final class SiteRegistry {
  /** The local default of DESIGN: site {@code demo}, key {@code demo-key}. */
  public static final String LOCAL_DEFAULT = "demo:demo-key:http://127.0.0.1:8080";

  private static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern ORIGIN = Pattern.compile("\\*|https?://[^/\\s]+");

  private final List<Site> sites;

  public SiteRegistry(List<Site> sites) {
    this.sites = List.copyOf(sites);
  }

  public static SiteRegistry parse(String spec) {
    List<Site> sites = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split(":", 3);
      if (parts.length < 2) {
        throw new ConfigException(
            "VP_GATEWAY_SITES entry '" + redact(entry) + "' must be siteId:writeKey[:origins]");
      }
      String siteId = parts[0].trim();
      String key = parts[1].trim();
      if (!SITE_ID.matcher(siteId).matches()) {
        throw new ConfigException("VP_GATEWAY_SITES: invalid site id '" + siteId + "'");
      }
      if (key.length() < 6) {
        throw new ConfigException(
            "VP_GATEWAY_SITES: the write key of site " + siteId + " must be at least 6 characters");
      }
      List<String> origins =
          parts.length == 3
              ? Arrays.stream(parts[2].trim().split("[\\s,]+")).filter(o -> !o.isBlank()).toList()
              : List.of();
      for (String origin : origins) {
        if (!ORIGIN.matcher(origin).matches()) {
          throw new ConfigException(
              "VP_GATEWAY_SITES: origin '"
                  + origin
                  + "' of site "
                  + siteId
                  + " must be scheme://host[:port] without a path, or *");
        }
      }
      if (!ids.add(siteId)) {
        throw new ConfigException("VP_GATEWAY_SITES: site " + siteId + " is listed twice");
      }
      if (!keys.add(key)) {
        throw new ConfigException("VP_GATEWAY_SITES: two sites share a write key");
      }
      sites.add(new Site(siteId, key, origins));
    }
    if (sites.isEmpty()) {
      throw new ConfigException("VP_GATEWAY_SITES lists no site");
    }
    return new SiteRegistry(sites);
  }

  private static String redact(String entry) {
    int colon = entry.indexOf(':');
    return colon < 0 ? "<an entry without ':'>" : entry.substring(0, colon) + ":…";
  }

  /** The site whose write key this is, compared in constant time. */
  public Optional<Site> byWriteKey(String key) {
    Site found = null;
    for (Site site : sites) {
      if (BearerTokens.matches(key, site.writeKey())) {
        found = site;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether any site allows this origin (for answering preflight requests). */
  public boolean anyAllows(String origin) {
    return sites.stream().anyMatch(s -> s.allowsOrigin(origin));
  }

  public List<Site> sites() {
    return sites;
  }
}
