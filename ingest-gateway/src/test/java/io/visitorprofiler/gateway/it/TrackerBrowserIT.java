package io.visitorprofiler.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.CustomVariables;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationOutcome;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.HeadlessChromium;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * tracker.js in headless Chromium (Debian's, installed by {@code ./vp test}) on a shop page served
 * from another origin: page views, a multi-page visit, a cart update and a single-page navigation
 * reach {@code vp.clickstream.v1} through the real gateway, and a proactive invitation shows on the
 * page and its acceptance comes back as an event.
 */
class TrackerBrowserIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path profile;

  private static Main.Gateway gateway;
  private static HttpServer shop;
  private static WebDriver browser;
  private static AvroDeserializer<ClickstreamEvent> values;

  @BeforeAll
  static void start() throws IOException {
    kafka.createCatalogTopics();

    shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
    Map<String, String> env = GatewayIT.env(kafka.bootstrapServers(), registry.url());
    env.put("VP_GATEWAY_SITES", "demo:demo-key:" + shopOrigin);
    gateway = Main.Gateway.start(GatewaySettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());
    String page = template().replace("@GATEWAY@", "http://127.0.0.1:" + gateway.port());
    shop.createContext(
        "/shop/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String title =
              path.endsWith("/product") ? "Cups" : path.endsWith("/checkout") ? "Checkout" : "Home";
          byte[] body = page.replace("@TITLE@", title).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    shop.start();

    browser = HeadlessChromium.start(profile.resolve("chromium"));

    values = new AvroDeserializer<>(ClickstreamEvent.class);
    values.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
  }

  private static String template() throws IOException {
    try (InputStream in = TrackerBrowserIT.class.getResourceAsStream("/browser/shop.html")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (shop != null) {
      shop.stop(0);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aVisitThroughTheShopArrivesOnTheTopicAndAnInvitationIsAnswered() throws Exception {
    String shopOrigin = shopOrigin();
    String visitor = open("/shop/home");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    assertThat(visitor).startsWith("v-");

    browser.findElement(By.id("to-product")).click();
    wait.until(d -> d.getTitle().equals("Cups"));
    wait.until(
        d -> ((JavascriptExecutor) d).executeScript("return !!(window.vp && window.vp.version)"));
    browser.findElement(By.id("add-to-cart")).click();
    browser.findElement(By.id("to-checkout")).click();

    // The tracker delivers at least once: an event whose request was cut short by a page change
    // is sent again from the next page with the same event id. Wait for the checkout's view and
    // read each event once.
    List<ClickstreamEvent> events =
        distinct(
            await(
                visitor,
                read ->
                    read.stream()
                            .anyMatch(
                                e ->
                                    e.getPayload() instanceof PageView v
                                        && v.getUrl().endsWith("/shop/checkout"))
                        && read.stream().anyMatch(e -> e.getPayload() instanceof CartUpdated)));
    List<PageView> views =
        events.stream()
            .map(ClickstreamEvent::getPayload)
            .filter(PageView.class::isInstance)
            .map(PageView.class::cast)
            .toList();
    assertThat(views)
        .extracting(PageView::getUrl)
        .containsSubsequence(
            shopOrigin + "/shop/home", shopOrigin + "/shop/product", shopOrigin + "/shop/checkout");
    PageView checkout =
        views.stream().filter(v -> v.getUrl().endsWith("/shop/checkout")).findFirst().orElseThrow();
    assertThat(checkout.getVirtual()).isTrue();
    assertThat(checkout.getReferrer()).isEqualTo(shopOrigin + "/shop/product");
    CartUpdated cart =
        events.stream()
            .map(ClickstreamEvent::getPayload)
            .filter(CartUpdated.class::isInstance)
            .map(CartUpdated.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(cart.getItems())
        .singleElement()
        .satisfies(i -> assertThat(i.getSku()).isEqualTo("CUPS-6"));
    assertThat(cart.getValue()).isEqualTo(24.0);
    ClickstreamEvent first = events.get(0);
    assertThat(first.getContext().getDevice().getBrowser()).isNotNull();
    assertThat(first.getContext().getGeo().getTimezone()).isNotBlank();

    // A proactive invitation for this visitor shows on the page; accepting it comes back.
    Invitation invitation =
        new Invitation(
            "inv-browser-1",
            "demo",
            visitor,
            "small-carts",
            null,
            "Add $26 more for free shipping!",
            Instant.now(),
            Instant.now().plus(Duration.ofMinutes(2)));
    invite(invitation);
    wait.until(d -> !d.findElements(By.id("vp-invitation")).isEmpty());
    assertThat(browser.findElement(By.id("vp-invitation")).getText())
        .contains("Add $26 more for free shipping!");
    browser.findElement(By.id("vp-invitation-accept")).click();
    assertThat(awaitResponses(visitor, "inv-browser-1")).containsOnly(InvitationOutcome.ACCEPTED);
  }

  @Test
  void anUnansweredInvitationShowsAgainOnTheNextPageAndItsTimeCountsByTheGatewaysClock()
      throws Exception {
    // The visitor's clock is an hour fast: by it, an invitation valid for two more minutes would
    // have expired long ago. The time left counts from the gateway's clock.
    String visitor = open("/shop/home?clock=ahead");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    JavascriptExecutor page = (JavascriptExecutor) browser;
    assertThat((Long) page.executeScript("return Date.now() - new Date().getTime()"))
        .isGreaterThan(3_000_000L);
    invite(
        new Invitation(
            "inv-browser-2",
            "demo",
            visitor,
            "checkout-idle",
            null,
            "Questions about delivery?",
            Instant.now(),
            Instant.now().plus(Duration.ofMinutes(2))));
    wait.until(d -> !d.findElements(By.id("vp-invitation")).isEmpty());

    // Left unanswered by a navigation, it shows again on the next page (the gateway replays it).
    open("/shop/product?clock=ahead");
    wait.until(d -> !d.findElements(By.id("vp-invitation")).isEmpty());
    assertThat(browser.findElement(By.id("vp-invitation")).getText())
        .contains("Questions about delivery?");
    browser.findElement(By.id("vp-invitation-decline")).click();
    assertThat(awaitResponses(visitor, "inv-browser-2")).containsOnly(InvitationOutcome.DECLINED);

    // Answered, it does not show again, though the gateway replays it to the next page as it
    // connects. A new invitation, sent after, is the box shown: one box at a time, so had the
    // replayed one shown, this one would not.
    open("/shop/checkout?clock=ahead");
    invite(
        new Invitation(
            "inv-browser-3",
            "demo",
            visitor,
            "checkout-idle",
            null,
            "Free returns on every order",
            Instant.now(),
            Instant.now().plus(Duration.ofMinutes(2))));
    wait.until(d -> !d.findElements(By.id("vp-invitation")).isEmpty());
    assertThat(browser.findElement(By.id("vp-invitation")).getText())
        .contains("Free returns on every order");
    browser.findElement(By.id("vp-invitation-decline")).click();
    assertThat(awaitResponses(visitor, "inv-browser-3")).containsOnly(InvitationOutcome.DECLINED);
  }

  @Test
  void eventsLeftAtPageHideGoInBeaconsSmallEnoughForTheBrowser() throws Exception {
    String visitor = open("/shop/home");
    JavascriptExecutor page = (JavascriptExecutor) browser;
    // Three events of about 26 KB each, 78 KB together: more than one beacon may carry (64 KiB).
    // The page is left before the tracker's next request, so beacons are all that carry them.
    page.executeScript(
        "for (const n of [1, 2, 3]) {"
            + "  const vars = {};"
            + "  for (let i = 0; i < 50; i++) vars['k' + i] = String(n).repeat(512);"
            + "  vp('set', vars);"
            + "}");
    browser.get("about:blank");
    // The first two fit one beacon (about 52 KB); the third may wait for the site's next page,
    // as the browser refuses more than 64 KiB of beacons in flight.
    await(
        visitor,
        read ->
            read.stream()
                    .filter(e -> e.getPayload() instanceof CustomVariables)
                    .map(e -> ((CustomVariables) e.getPayload()).getVariables().get("k0"))
                    .filter(v -> v.startsWith("1") || v.startsWith("2"))
                    .distinct()
                    .count()
                == 2);
  }

  private static String shopOrigin() {
    return "http://127.0.0.1:" + shop.getAddress().getPort();
  }

  /** Opens a page of the shop and waits for tracker.js to start; the visitor's id. */
  private static String open(String path) {
    browser.get(shopOrigin() + path);
    JavascriptExecutor page = (JavascriptExecutor) browser;
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> page.executeScript("return !!(window.vp && window.vp.version)"));
    return (String) page.executeScript("return vp.visitorId()");
  }

  /** Waits for the visitor's answer to the invitation on the topic; every answer to it. */
  private static List<InvitationOutcome> awaitResponses(String visitor, String invitationId) {
    return responses(
        await(visitor, read -> !responses(read, invitationId).isEmpty()), invitationId);
  }

  /** The visitor's answers to one invitation, as read from the topic. */
  private static List<InvitationOutcome> responses(
      List<ClickstreamEvent> events, String invitationId) {
    return events.stream()
        .map(ClickstreamEvent::getPayload)
        .filter(InvitationResponse.class::isInstance)
        .map(InvitationResponse.class::cast)
        .filter(r -> r.getInvitationId().equals(invitationId))
        .map(InvitationResponse::getResponse)
        .toList();
  }

  private static void invite(Invitation invitation) throws Exception {
    InvitationTopic.send(kafka.clientProperties(), registry.url(), invitation);
  }

  @Test
  void anotherTabsStoredEventsOutliveThisTabsWritesAndALongUrlIsCutNotRefused() throws Exception {
    String shopOrigin = shopOrigin();
    String visitor = open("/shop/home");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    JavascriptExecutor page = (JavascriptExecutor) browser;

    // An event another tab of the site stored while offline; this tab never held it.
    page.executeScript(
        "const q = JSON.parse(localStorage.getItem('_vp_q') || '[]');"
            + " q.push({type: 'heartbeat', visitorId: vp.visitorId(), eventId: 'other-tab-1',"
            + " timestamp: Date.now(), url: location.href});"
            + " localStorage.setItem('_vp_q', JSON.stringify(q));");
    // This tab writes its own events (a page view whose URL is past the gateway's 2,048
    // characters) and sends them; the other tab's event stays stored.
    page.executeScript(
        "history.pushState({}, '', '/shop/search?q=' + 'cups+'.repeat(600));"
            + " vp('cart', {items: [{sku: 'CUPS-6', price: 24}], value: 24, currency: 'USD'});"
            + " vp('flush');");
    wait.until(
        d ->
            page.executeScript(
                "return (localStorage.getItem('_vp_q') || '').includes('other-tab-1')"
                    + " && JSON.parse(localStorage.getItem('_vp_q')).length === 1"));

    // The next page load sends what is stored.
    browser.get(shopOrigin + "/shop/product");
    List<ClickstreamEvent> events =
        await(
            visitor,
            read ->
                read.stream().anyMatch(e -> e.getEventId().equals("other-tab-1"))
                    && read.stream()
                        .anyMatch(
                            e ->
                                e.getPayload() instanceof PageView v
                                    && v.getUrl().startsWith(shopOrigin + "/shop/search?q=")));
    PageView search =
        events.stream()
            .map(ClickstreamEvent::getPayload)
            .filter(PageView.class::isInstance)
            .map(PageView.class::cast)
            .filter(v -> v.getUrl().startsWith(shopOrigin + "/shop/search?q="))
            .findFirst()
            .orElseThrow();
    assertThat(search.getUrl()).hasSize(2048);
  }

  private static List<ClickstreamEvent> await(
      String visitor, Predicate<List<ClickstreamEvent>> done) {
    @SuppressWarnings("unchecked")
    List<ClickstreamEvent>[] last = new List[1];
    TopicReader.readUntil(
        kafka.bootstrapServers(),
        Topics.CLICKSTREAM.name(),
        records -> {
          last[0] =
              records.stream()
                  .filter(r -> visitor.equals(r.key()))
                  .map(r -> values.deserialize(r.topic(), r.value()))
                  .toList();
          return done.test(last[0]);
        },
        Duration.ofSeconds(30));
    assertThat(done.test(last[0])).as("events of %s on the topic: %s", visitor, last[0]).isTrue();
    return last[0];
  }

  /** Each event once, by its event id, in the order first read. */
  private static List<ClickstreamEvent> distinct(List<ClickstreamEvent> events) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return events.stream().filter(e -> seen.add(e.getEventId())).toList();
  }
}
