package io.visitorprofiler.gateway.enrich;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Geography from headers a CDN or load balancer in front of the gateway sets (Cloudflare's {@code
 * CF-IPCountry}, {@code CF-Region-Code}, {@code CF-IPCity}; CloudFront's {@code
 * CloudFront-Viewer-Country}, ...). Only trusted when configured: a client could send them itself
 * if nothing in front of the gateway overwrites them.
 */
public final class CdnHeaderGeo implements GeoLocator {
  private final String countryHeader;
  private final String regionHeader;
  private final String cityHeader;

  public CdnHeaderGeo(String countryHeader, String regionHeader, String cityHeader) {
    this.countryHeader = countryHeader;
    this.regionHeader = regionHeader;
    this.cityHeader = cityHeader;
  }

  @Override
  public Location locate(InetAddress address, UnaryOperator<String> headers) {
    String country = value(headers, countryHeader, 2);
    if (country != null) {
      country = country.toUpperCase(Locale.ROOT);
      // Cloudflare: XX unknown, T1 Tor.
      if (!country.matches("[A-Z]{2}") || country.equals("XX") || country.equals("T1")) {
        country = null;
      }
    }
    return new Location(country, value(headers, regionHeader, 64), value(headers, cityHeader, 128));
  }

  private static String value(UnaryOperator<String> headers, String name, int max) {
    if (name == null) {
      return null;
    }
    String raw = headers.apply(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String text = raw.trim();
    if (text.contains("%")) {
      try {
        text = URLDecoder.decode(text, StandardCharsets.UTF_8); // some CDNs percent-encode
      } catch (IllegalArgumentException ignored) {
        // keep as sent
      }
    }
    return text.length() > max ? null : text;
  }
}
