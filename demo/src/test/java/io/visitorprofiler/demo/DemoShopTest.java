package io.visitorprofiler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo shop's pages, served for real: tracker.js embedded, products linked, a cart. */
class DemoShopTest {
  private ServiceHttpServer shop;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    shop =
        ServiceHttpServer.start(
            "demo-shop-test",
            new HttpSettings("127.0.0.1", 0),
            new ServiceHealth(),
            ServiceMetrics.create("demo-shop-test"),
            List.of(new DemoShop("http://127.0.0.1:8080", "demo", "demo-key")));
  }

  @AfterEach
  void stop() {
    shop.close();
  }

  @Test
  void everyPageEmbedsTheTrackerForTheSite() throws Exception {
    for (String path : List.of("/", "/products/cups", "/cart", "/checkout", "/thanks")) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body())
          .as(path)
          .contains(
              "<script async src=\"http://127.0.0.1:8080/tracker.js\" data-site=\"demo\""
                  + " data-key=\"demo-key\"></script>");
    }
  }

  @Test
  void theHomePageLinksEveryProductAndAProductPageAddsItToTheCart() throws Exception {
    String home = get("/").body();
    for (Catalog.Product product : Catalog.PRODUCTS) {
      assertThat(home).contains("href=\"" + product.path() + "\"");
    }
    assertThat(get("/products/cups").body())
        .contains(
            "data-sku=\"CUPS-6\" data-name=\"Set of 6 Stainless Steel Cups\" data-price=\"24.0\"",
            "$24.00");
    assertThat(get("/products/none").statusCode()).isEqualTo(404);
  }

  @Test
  void textIsEscaped() {
    assertThat(DemoShop.escape("<b>\"Tom's\" & co</b>"))
        .isEqualTo("&lt;b&gt;&quot;Tom&#39;s&quot; &amp; co&lt;/b&gt;");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
