package io.visitorprofiler.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.notifier.Main;
import io.visitorprofiler.notifier.NotifierSettings;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.NotifySettings;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.HeadlessChromium;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The agent console in headless Chromium: after signing in, a visitor entering a segment shows in
 * the live list with their segment badges in the segments' colours, and the alert pops up.
 */
class ConsoleBrowserIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();
  @TempDir static Path dir;

  private static KafkaProducer<String, SpecificRecord> producer;
  private static Main.Notifier notifier;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    kafka.createCatalogTopics();
    producer = NotifierAlertsIT.avroProducer(kafka, registry);
    producer
        .send(
            new ProducerRecord<>(
                Topics.SEGMENT_DEFINITIONS.name(),
                "vip",
                new SegmentDefinition(
                    "vip",
                    "demo",
                    "VIP customers",
                    "VIP",
                    "#6a1b9a",
                    90,
                    true,
                    "true",
                    1L,
                    null,
                    new NotifySettings(List.of("agent-1"), List.of(), true, true),
                    null,
                    Instant.now(),
                    "test")))
        .get();
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("VP_SCHEMA_REGISTRY_URL", registry.url());
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_NOTIFIER_PROFILER_URL", "http://127.0.0.1:1"); // no profiler in this test
    env.put("VP_NOTIFIER_MUTE_FILE", dir.resolve("mutes.json").toString());
    notifier = Main.Notifier.start(NotifierSettings.fromEnv(new EnvConfig(env)), Clock.systemUTC());
    browser = HeadlessChromium.start(dir.resolve("chromium"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    notifier.close();
    producer.close();
  }

  @Test
  void aVisitorEnteringASegmentShowsWithBadgesAndPopsUp() throws Exception {
    browser.get("http://127.0.0.1:" + notifier.port() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(d -> d.findElement(By.id("login")).isDisplayed());
    browser.findElement(By.id("agent")).sendKeys("agent-1");
    browser.findElement(By.id("token")).sendKeys("demo-agent");
    browser.findElement(By.id("sign-in")).click();
    wait.until(d -> d.findElement(By.id("app")).isDisplayed());
    Thread.sleep(1500); // the feed and the alert stream are connected

    Instant now = Instant.now();
    SegmentChange change =
        new SegmentChange(
            "chg-console",
            "v-console-1",
            "demo",
            "vip",
            "VIP customers",
            1L,
            Transition.ENTERED,
            90,
            ChangeCause.EVENT,
            "e-1",
            now,
            now,
            List.of(
                new SegmentBadge("vip", "VIP customers", "VIP", "#6a1b9a", 90),
                new SegmentBadge("small-carts", "Small carts", "Cart < $50", "#e65100", 40)),
            new ProfileSnapshot(
                "Miami", "US", "https://shop.test/checkout", 24.0, "USD", 3, "Ada"));
    producer.send(new ProducerRecord<>(Topics.SEGMENT_CHANGES.name(), "v-console-1", change)).get();

    WebElement toast =
        wait.until(d -> d.findElement(By.cssSelector("#alerts .toast[data-segment='vip']")));
    assertThat(toast.getText()).contains("Ada", "VIP", "Miami");
    WebElement row =
        wait.until(d -> d.findElement(By.cssSelector("#visitors tr[data-visitor='v-console-1']")));
    List<WebElement> badges = row.findElements(By.cssSelector(".badge"));
    assertThat(badges).extracting(WebElement::getText).containsExactly("VIP", "Cart < $50");
    assertThat(badges.get(0).getCssValue("background-color")).isEqualTo("rgba(106, 27, 154, 1)");
    assertThat(badges.get(0).getAttribute("title")).isEqualTo("VIP customers");
    assertThat(row.getText()).contains("Ada", "https://shop.test/checkout", "Miami", "24.00");

    row.click();
    wait.until(d -> d.findElement(By.id("detail")).getText().contains("Cart: 24.00"));
  }
}
