package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Geography from a GeoIP2 City database file. */
class MaxMindGeoTest {
  private static final UnaryOperator<String> NO_HEADERS = name -> null;

  @TempDir Path dir;

  private MaxMindGeo geo;

  @BeforeEach
  void openDatabase() throws IOException {
    Path file =
        new MmdbTestDatabase("GeoIP2-City")
            .city("203.0.113.0/24", "US", "FL", "Florida", "Miami")
            .city("2001:db8:1::/48", "DE", "BE", "Berlin", "Berlin")
            .city("198.51.100.0/24", "FR", null, null, null)
            .writeTo(dir.resolve("test-city.mmdb"));
    geo = MaxMindGeo.open(file);
  }

  @AfterEach
  void closeDatabase() throws IOException {
    geo.close();
  }

  @Test
  void anIpv4AddressInTheDatabaseIsLocated() {
    assertThat(geo.locate(address("203.0.113.77"), NO_HEADERS))
        .isEqualTo(new Location("US", "FL", "Miami"));
  }

  @Test
  void anIpv6AddressInTheDatabaseIsLocated() {
    assertThat(geo.locate(address("2001:db8:1:2::5"), NO_HEADERS))
        .isEqualTo(new Location("DE", "BE", "Berlin"));
  }

  @Test
  void aNetworkWithOnlyACountryGivesOnlyTheCountry() {
    assertThat(geo.locate(address("198.51.100.9"), NO_HEADERS))
        .isEqualTo(new Location("FR", null, null));
  }

  @Test
  void anAddressNotInTheDatabaseIsUnknown() {
    assertThat(geo.locate(address("192.0.2.1"), NO_HEADERS)).isEqualTo(Location.UNKNOWN);
    assertThat(geo.locate(address("2001:db8:2::1"), NO_HEADERS)).isEqualTo(Location.UNKNOWN);
  }

  @Test
  void noAddressIsUnknown() {
    assertThat(geo.locate(null, NO_HEADERS)).isEqualTo(Location.UNKNOWN);
  }

  @Test
  void theDescriptionNamesTheDatabaseType() {
    assertThat(geo.describe()).contains("GeoIP2-City");
  }

  @Test
  void aMissingFileIsRefused() {
    assertThatThrownBy(() -> MaxMindGeo.open(dir.resolve("missing.mmdb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.mmdb");
  }

  private static InetAddress address(String literal) {
    return IpAddresses.parse(literal).orElseThrow();
  }
}
