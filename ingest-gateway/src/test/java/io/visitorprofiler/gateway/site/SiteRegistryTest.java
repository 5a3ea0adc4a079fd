package io.visitorprofiler.gateway.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.runtime.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the accepted sites from {@code VP_GATEWAY_SITES}, and checking keys and origins. */
class SiteRegistryTest {
  @Test
  void theLocalDefaultIsTheDemoSite() {
    SiteRegistry registry = SiteRegistry.parse(SiteRegistry.LOCAL_DEFAULT);

    assertThat(registry.sites())
        .containsExactly(new Site("demo", "demo-key", List.of("http://127.0.0.1:8080")));
    assertThat(registry.byWriteKey("demo-key")).map(Site::siteId).contains("demo");
  }

  @Test
  void severalSitesWithSeveralOriginsAreRead() {
    SiteRegistry registry =
        SiteRegistry.parse(
            "demo:demo-key:http://127.0.0.1:8080 http://localhost:8080;"
                + " shop : shop-secret-1 : https://shop.example,https://www.shop.example ;");

    assertThat(registry.sites())
        .containsExactly(
            new Site("demo", "demo-key", List.of("http://127.0.0.1:8080", "http://localhost:8080")),
            new Site(
                "shop",
                "shop-secret-1",
                List.of("https://shop.example", "https://www.shop.example")));
    assertThat(registry.byWriteKey("shop-secret-1")).map(Site::siteId).contains("shop");
    assertThat(registry.byWriteKey("demo-key")).map(Site::siteId).contains("demo");
  }

  @Test
  void aSiteWithoutOriginsAllowsNoBrowserOrigin() {
    SiteRegistry registry = SiteRegistry.parse("backend:backend-key");

    Site site = registry.sites().get(0);
    assertThat(site.allowedOrigins()).isEmpty();
    assertThat(site.allowsOrigin("https://shop.example")).isFalse();
  }

  @Test
  void onlyListedOriginsAreAllowed() {
    Site site = SiteRegistry.parse("shop:shop-secret-1:https://shop.example").sites().get(0);

    assertThat(site.allowsOrigin("https://shop.example")).isTrue();
    assertThat(site.allowsOrigin("http://shop.example")).isFalse();
    assertThat(site.allowsOrigin("https://shop.example:8443")).isFalse();
    assertThat(site.allowsOrigin("https://evil.example")).isFalse();
    assertThat(site.allowsOrigin("null")).isFalse();
  }

  @Test
  void anyAllowsLooksAtEverySite() {
    SiteRegistry registry =
        SiteRegistry.parse("a:key-one:https://a.example;b:key-two:https://b.example");

    assertThat(registry.anyAllows("https://b.example")).isTrue();
    assertThat(registry.anyAllows("https://c.example")).isFalse();
  }

  @Test
  void aStarAllowsAnyOrigin() {
    SiteRegistry registry = SiteRegistry.parse("tests:tests-key:*");

    assertThat(registry.sites().get(0).allowsOrigin("https://anything.example")).isTrue();
    assertThat(registry.anyAllows("http://localhost:3000")).isTrue();
  }

  @Test
  void anUnknownWriteKeyFindsNoSite() {
    SiteRegistry registry = SiteRegistry.parse(SiteRegistry.LOCAL_DEFAULT);

    assertThat(registry.byWriteKey("other-key")).isEmpty();
    assertThat(registry.byWriteKey("demo-ke")).isEmpty();
    assertThat(registry.byWriteKey("demo-key-2")).isEmpty();
    assertThat(registry.byWriteKey("")).isEmpty();
  }

  @Test
  void aSiteListedTwiceIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("demo:key-one;demo:key-two"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demo")
        .hasMessageContaining("listed twice");
  }

  @Test
  void twoSitesSharingAKeyAreRefusedWithoutShowingTheKey() {
    assertThatThrownBy(() -> SiteRegistry.parse("a:shared-key;b:shared-key"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("share a write key")
        .hasMessageNotContaining("shared-key");
  }

  @Test
  void aShortKeyIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("demo:abc"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 6 characters");
  }

  @Test
  void anOriginWithAPathIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("shop:shop-secret-1:https://shop.example/cart"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("https://shop.example/cart")
        .hasMessageContaining("without a path");
    assertThatThrownBy(() -> SiteRegistry.parse("shop:shop-secret-1:https://shop.example/"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void anOriginWithoutSchemeIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("shop:shop-secret-1:shop.example"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void anEntryWithoutKeyIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("just-a-site-id"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("siteId:writeKey");
  }

  @Test
  void anInvalidSiteIdIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse("-demo:demo-key"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid site id");
  }

  @Test
  void aSpecWithoutSitesIsRefused() {
    assertThatThrownBy(() -> SiteRegistry.parse(" ; "))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lists no site");
  }
}
