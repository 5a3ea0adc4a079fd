package io.visitorprofiler.gateway.enrich;

/** Where a visitor is, as far as the edge can tell; any part may be null. */
public record Location(String country, String region, String city) {
  public static final Location UNKNOWN = new Location(null, null, null);

  public boolean known() {
    return country != null || region != null || city != null;
  }
}
