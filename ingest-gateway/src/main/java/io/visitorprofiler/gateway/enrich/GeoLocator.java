package io.visitorprofiler.gateway.enrich;

import java.net.InetAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/** Finds a visitor's location from the request: trusted CDN headers, an IP database, or both. */
@FunctionalInterface
public interface GeoLocator {
  /**
   * @param address the client's full address (memory only, never stored), or null
   * @param headers the request's headers by name
   */
  Location locate(InetAddress address, UnaryOperator<String> headers);

  GeoLocator NONE = (address, headers) -> Location.UNKNOWN;

  /** The first locator that knows something wins. */
  static GeoLocator firstOf(List<GeoLocator> locators) {
    return (address, headers) -> {
      for (GeoLocator locator : locators) {
        Location found = locator.locate(address, headers);
        if (found.known()) {
          return found;
        }
      }
      return Location.UNKNOWN;
    };
  }
}
