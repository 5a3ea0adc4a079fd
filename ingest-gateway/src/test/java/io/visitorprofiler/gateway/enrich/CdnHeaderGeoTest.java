package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Geography from headers that a CDN in front of the gateway sets. */
class CdnHeaderGeoTest {
  private final CdnHeaderGeo cloudflare =
      new CdnHeaderGeo("CF-IPCountry", "CF-Region-Code", "CF-IPCity");

  @Test
  void theConfiguredHeadersGiveTheLocation() {
    Location location =
        cloudflare.locate(
            null,
            headers(Map.of("CF-IPCountry", "US", "CF-Region-Code", "FL", "CF-IPCity", "Miami")));

    assertThat(location).isEqualTo(new Location("US", "FL", "Miami"));
    assertThat(location.known()).isTrue();
  }

  @Test
  void aLowerCaseCountryIsUpperCased() {
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", " de "))).country())
        .isEqualTo("DE");
  }

  @Test
  void unknownAndTorCountriesAreIgnored() {
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", "XX"))))
        .isEqualTo(Location.UNKNOWN);
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", "T1"))))
        .isEqualTo(Location.UNKNOWN);
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", "xx"))).known()).isFalse();
  }

  @Test
  void aCountryThatIsNotTwoLettersIsIgnored() {
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", "USA"))).country()).isNull();
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCountry", "1A"))).country()).isNull();
  }

  @Test
  void aPercentEncodedCityIsDecoded() {
    Location location =
        cloudflare.locate(
            null, headers(Map.of("CF-IPCountry", "BR", "CF-IPCity", "S%C3%A3o%20Paulo")));

    assertThat(location.city()).isEqualTo("São Paulo");
  }

  @Test
  void aBrokenPercentEncodingIsKeptAsSent() {
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCity", "100%"))).city())
        .isEqualTo("100%");
  }

  @Test
  void missingOrBlankHeadersAreUnknown() {
    assertThat(cloudflare.locate(null, headers(Map.of()))).isEqualTo(Location.UNKNOWN);
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCity", "  "))))
        .isEqualTo(Location.UNKNOWN);
  }

  @Test
  void anUnconfiguredHeaderIsIgnored() {
    CdnHeaderGeo countryOnly = new CdnHeaderGeo("CloudFront-Viewer-Country", null, null);

    Location location =
        countryOnly.locate(
            null,
            headers(
                Map.of(
                    "CloudFront-Viewer-Country", "FR",
                    "CF-Region-Code", "IDF",
                    "CF-IPCity", "Paris")));

    assertThat(location).isEqualTo(new Location("FR", null, null));
  }

  @Test
  void anOverlongValueIsIgnored() {
    assertThat(cloudflare.locate(null, headers(Map.of("CF-IPCity", "x".repeat(200)))).city())
        .isNull();
  }

  private static UnaryOperator<String> headers(Map<String, String> values) {
    return values::get;
  }
}
