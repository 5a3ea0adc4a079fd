package io.visitorprofiler.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationOutcome;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.AvroSerializer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
    String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
    browser.get(shopOrigin + "/shop/home");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(
        d -> ((JavascriptExecutor) d).executeScript("return !!(window.vp && window.vp.version)"));
    String visitor = (String) ((JavascriptExecutor) browser).executeScript("return vp.visitorId()");
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
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(SchemaRegistryConfig.URL, registry.url());
    AvroSerializer<Invitation> serializer = new AvroSerializer<>();
    serializer.configure(props, false);
    try (KafkaProducer<String, Invitation> producer =
        new KafkaProducer<>(props, new StringSerializer(), serializer)) {
      producer.send(new ProducerRecord<>(Topics.INVITATIONS.name(), visitor, invitation)).get();
    }
    wait.until(d -> !d.findElements(By.id("vp-invitation")).isEmpty());
    assertThat(browser.findElement(By.id("vp-invitation")).getText())
        .contains("Add $26 more for free shipping!");
    browser.findElement(By.id("vp-invitation-accept")).click();
    List<ClickstreamEvent> answered =
        await(
            visitor,
            read -> read.stream().anyMatch(e -> e.getPayload() instanceof InvitationResponse));
    InvitationResponse response =
        answered.stream()
            .map(ClickstreamEvent::getPayload)
            .filter(InvitationResponse.class::isInstance)
            .map(InvitationResponse.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(response.getInvitationId()).isEqualTo("inv-browser-1");
    assertThat(response.getResponse()).isEqualTo(InvitationOutcome.ACCEPTED);
  }

  @Test
  void anotherTabsStoredEventsOutliveThisTabsWritesAndALongUrlIsCutNotRefused() throws Exception {
    String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
    browser.get(shopOrigin + "/shop/home");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    JavascriptExecutor page = (JavascriptExecutor) browser;
    wait.until(d -> page.executeScript("return !!(window.vp && window.vp.version)"));
    String visitor = (String) page.executeScript("return vp.visitorId()");

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
