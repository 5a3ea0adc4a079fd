package io.visitorprofiler.profiler.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The site the benchmark's visitors browse and its rules are written for: the cities visitors come
 * from, the pages they view, the search phrases that bring them, the SKUs they put in carts. The
 * visitors draw each uniformly; the rules draw their constants from the same.
 *
 * @param name how {@code --mix} names it
 * @param orderTotals how many order totals rules on purchases compare with
 * @param orderTotalStep the step between them (10, 10 + step, 10 + 2 step, ...)
 */
record Shop(
    String name,
    String[] cities,
    String[] paths,
    String[] keywords,
    int skus,
    int orderTotals,
    int orderTotalStep) {
  private static final String[] CITIES = {
    "New York", "Los Angeles", "Chicago", "Houston", "Miami", "Boston", "Seattle", "Denver",
    "Atlanta", "Austin", "London", "Berlin", "Paris", "Madrid", "Toronto", "Sydney"
  };
  private static final String[] PATHS = {
    "/",
    "/yoga",
    "/yoga/pants",
    "/cups",
    "/kitchen",
    "/sale",
    "/blog/recipes",
    "/about",
    "/cart",
    "/checkout"
  };
  private static final String[] KEYWORDS = {
    "yoga pants", "steel cups", "kitchen set", "gift ideas", "running shoes"
  };

  /**
   * The mix of sessions 4 to 21: ten pages, sixteen cities, five search phrases. A rule set larger
   * than 122 rules repeats its conditions on it (1,000 rules hold 501 distinct ones, the page-bound
   * ones in groups of up to nine copies that enter and exit together on a page view).
   */
  static final Shop SMALL = new Shop("small", CITIES, PATHS, KEYWORDS, 200, 20, 10);

  /**
   * A catalogue of a hundred pages (the small shop's ten and ninety product pages), a hundred
   * cities and a hundred search phrases: every rule of a 1,000-rule set has a condition of its own,
   * as in a catalogue written by people, and a page view concerns the few rules of that page.
   */
  static final Shop CATALOGUE =
      new Shop(
          "catalogue",
          extended(CITIES, 100, n -> "Town " + n),
          extended(PATHS, 100, n -> "/products/" + n),
          extended(KEYWORDS, 100, n -> "search phrase " + n),
          200,
          100,
          4);

  static Shop named(String name) {
    return Stream.of(CATALOGUE, SMALL)
        .filter(s -> s.name.equals(name.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("--mix is catalogue or small, not " + name));
  }

  /**
   * The {@code n}-th order total a rule compares with, cycling: on the catalogue they run from 10
   * to 406 in steps of 4 (a 1,000-rule set reaches 342; an order holds at most 6 items of at most
   * 64), on the small shop from 10 to 200 in steps of 10.
   */
  int orderTotal(int n) {
    return 10 + orderTotalStep * Math.floorMod(n, orderTotals);
  }

  String sku(int n) {
    return "SKU-" + Math.floorMod(n, skus);
  }

  private static String[] extended(
      String[] first, int size, java.util.function.IntFunction<String> more) {
    return Stream.concat(Arrays.stream(first), IntStream.range(first.length, size).mapToObj(more))
        .toArray(String[]::new);
  }
}
