package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Combining locators: the first that knows something wins. */
class GeoLocatorTest {
  private static final UnaryOperator<String> NO_HEADERS = name -> null;

  @Test
  void theFirstLocatorThatKnowsWins() {
    GeoLocator cdn = (address, headers) -> new Location("US", null, null);
    GeoLocator database = (address, headers) -> new Location("DE", "BE", "Berlin");

    GeoLocator both = GeoLocator.firstOf(List.of(GeoLocator.NONE, cdn, database));

    assertThat(both.locate(null, NO_HEADERS)).isEqualTo(new Location("US", null, null));
  }

  @Test
  void locatorsAfterTheOneThatKnowsAreNotAsked() {
    AtomicInteger asked = new AtomicInteger();
    GeoLocator counting =
        (address, headers) -> {
          asked.incrementAndGet();
          return Location.UNKNOWN;
        };
    GeoLocator knows = (address, headers) -> new Location(null, null, "Miami");

    GeoLocator.firstOf(List.of(counting, knows, counting)).locate(null, NO_HEADERS);

    assertThat(asked).hasValue(1);
  }

  @Test
  void whenNoneKnowsTheLocationIsUnknown() {
    GeoLocator none = GeoLocator.firstOf(List.of(GeoLocator.NONE, GeoLocator.NONE));

    assertThat(none.locate(null, NO_HEADERS)).isEqualTo(Location.UNKNOWN);
    assertThat(GeoLocator.firstOf(List.of()).locate(null, NO_HEADERS)).isEqualTo(Location.UNKNOWN);
  }

  @Test
  void headersAreConsultedBeforeTheDatabaseWhenListedFirst() {
    GeoLocator cdn = new CdnHeaderGeo("CF-IPCountry", null, null);
    GeoLocator database = (address, headers) -> new Location("DE", null, null);
    GeoLocator both = GeoLocator.firstOf(List.of(cdn, database));

    assertThat(both.locate(null, name -> name.equals("CF-IPCountry") ? "US" : null).country())
        .isEqualTo("US");
    assertThat(both.locate(null, NO_HEADERS).country()).isEqualTo("DE");
  }
}
