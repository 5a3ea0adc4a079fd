package io.visitorprofiler.demo;

import static io.visitorprofiler.demo.Catalog.BEACH_TOWEL;
import static io.visitorprofiler.demo.Catalog.CUPS;
import static io.visitorprofiler.demo.Catalog.SAUCERS;
import static io.visitorprofiler.demo.Catalog.SUNGLASSES;
import static io.visitorprofiler.demo.Catalog.TEAPOT;
import static io.visitorprofiler.demo.Catalog.YOGA_PANTS;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A kind of shopper the demo simulates: where they are, what brought them, which browser they use,
 * and what they do on the shop. Between them the personas reach every segment of the sample
 * catalogue ({@code deploy/demo/segments.yaml}); the first visitor of each persona always does.
 *
 * @param acceptsInvitations chance of accepting a proactive chat invitation
 */
record Persona(
    String name,
    int weight,
    Place place,
    String language,
    String userAgent,
    String referrer,
    String landingQuery,
    String firstName,
    boolean vip,
    double acceptsInvitations,
    Script script) {

  /** Where a visitor is, as a CDN would tell the gateway. */
  record Place(String city, String region, String country, String timezone) {}

  /** What a visitor does on the shop. */
  @FunctionalInterface
  interface Script {
    void run(SimulatedVisitor visitor, boolean first) throws InterruptedException;
  }

  private static final String CHROME_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36";
  private static final String SAFARI_IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
  private static final String FIREFOX_MAC =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0";
  private static final String CHROME_ANDROID =
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Mobile Safari/537.36";

  static final List<Persona> ALL =
      List.of(
          new Persona(
              "google-searcher",
              3,
              new Place("Austin", "TX", "US", "America/Chicago"),
              "en-US",
              CHROME_WINDOWS,
              "https://www.google.com/search?q=yoga+pants+high+waist",
              "",
              "Sam",
              false,
              0.3,
              Persona::googleSearcher),
          new Persona(
              "facebook-cups-hesitant",
              3,
              new Place("Chicago", "IL", "US", "America/Chicago"),
              "en-US",
              SAFARI_IPHONE,
              "https://www.facebook.com/",
              "?utm_source=facebook&utm_medium=paid_social&utm_campaign=cups-spring",
              "Alex",
              false,
              0.4,
              Persona::facebookCupsHesitant),
          new Persona(
              "miami-cruiser",
              2,
              new Place("Miami", "FL", "US", "America/New_York"),
              "en-US",
              CHROME_ANDROID,
              "",
              "",
              "Maria",
              false,
              0.8,
              Persona::miamiCruiser),
          new Persona(
              "returning-vip",
              1,
              new Place("New York", "NY", "US", "America/New_York"),
              "en-US",
              FIREFOX_MAC,
              "https://mail.google.com/",
              "?utm_source=newsletter&utm_medium=email&utm_campaign=vip-november",
              "Jordan",
              true,
              0.5,
              Persona::returningVip),
          new Persona(
              "returning-browser",
              2,
              new Place("London", "ENG", "GB", "Europe/London"),
              "en-GB",
              CHROME_WINDOWS,
              "https://www.bing.com/search?q=cast+iron+teapot",
              "",
              "Robin",
              false,
              0.2,
              Persona::returningBrowser));

  static Persona named(String name) {
    return ALL.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- scripts ------------------------------------------------------------------------------

  /** Google search for yoga pants: a product page, the cart, sometimes an order. */
  static void googleSearcher(SimulatedVisitor v, boolean first) throws InterruptedException {
    v.arrive(YOGA_PANTS.path());
    v.dwellSeconds(6, 14);
    v.addToCart(YOGA_PANTS);
    v.view("/cart");
    v.dwellSeconds(4, 10);
    if (!first && v.random().nextDouble() < 0.4) {
      v.view("/checkout");
      v.dwellSeconds(8, 15);
      v.purchase();
      v.view("/thanks");
      v.dwellSeconds(2, 5);
    }
  }

  /**
   * A Facebook ad for the cups: the cups in the cart (a small cart, a cross-sell), a long wait on
   * the checkout page (a hesitant shopper), then gone without paying (an abandoned cart).
   */
  static void facebookCupsHesitant(SimulatedVisitor v, boolean first) throws InterruptedException {
    v.arrive(CUPS.path());
    v.dwellSeconds(5, 10);
    v.addToCart(CUPS);
    v.view("/cart");
    v.dwellSeconds(3, 8);
    v.view("/checkout");
    v.dwellSeconds(50, 70);
    if (!first && v.random().nextDouble() < 0.3) {
      v.addToCart(SAUCERS);
      v.purchase();
      v.view("/thanks");
      v.dwellSeconds(2, 4);
    }
  }

  /**
   * A visitor from Miami looking at beach things; invited (the cruise-port offer) or asking by
   * themselves, they chat, and the first one did not find what they looked for.
   */
  static void miamiCruiser(SimulatedVisitor v, boolean first) throws InterruptedException {
    v.arrive("/");
    v.dwellSeconds(4, 8);
    v.view(BEACH_TOWEL.path());
    v.dwellSeconds(10, 20);
    v.view(SUNGLASSES.path());
    v.dwellSeconds(5, 10);
    if (first || v.random().nextDouble() < 0.5) {
      v.chat(!first && v.random().nextDouble() < 0.5);
    }
    v.dwellSeconds(5, 10);
  }

  /** A customer who bought yesterday (a VIP by spend) comes back by the newsletter. */
  static void returningVip(SimulatedVisitor v, boolean first) throws InterruptedException {
    v.replayEarlierVisit(Duration.ofHours(26), SUNGLASSES);
    v.arrive("/");
    v.setVariables(Map.of("tier", "vip", "newsletter", "november"));
    v.dwellSeconds(4, 8);
    v.view(TEAPOT.path());
    v.dwellSeconds(8, 15);
    v.addToCart(TEAPOT);
    v.addToCart(SUNGLASSES);
    v.view("/checkout");
    v.dwellSeconds(8, 15);
    v.purchase();
    v.view("/thanks");
    v.dwellSeconds(2, 5);
  }

  /** Came yesterday from a Bing search, back today to look again (a repeat visitor). */
  static void returningBrowser(SimulatedVisitor v, boolean first) throws InterruptedException {
    v.replayEarlierVisit(Duration.ofHours(20), TEAPOT);
    v.arrive(TEAPOT.path());
    v.dwellSeconds(8, 16);
    v.view("/");
    v.dwellSeconds(4, 8);
    v.view(CUPS.path());
    v.dwellSeconds(5, 12);
  }
}
