package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlPartsTest {

  @Test
  void readsTheHostLowerCasedAndTheQueryDecoded() {
    UrlParts parts =
        UrlParts.of("  https://WWW.Shop.Example/cart?utm_source=FB&q=steel+cups%21&flag#top").get();
    assertThat(parts.host()).isEqualTo("www.shop.example");
    assertThat(parts.domain()).isEqualTo("shop.example");
    assertThat(parts.query())
        .containsExactly(
            Map.entry("utm_source", "FB"), Map.entry("q", "steel cups!"), Map.entry("flag", ""));
  }

  @Test
  void aUrlWithoutAQueryHasNoParameters() {
    UrlParts parts = UrlParts.of("https://shop.example/cart").get();
    assertThat(parts.hasQuery()).isFalse();
    assertThat(parts.param("utm_source", 128)).isEmpty();
    assertThat(UrlParts.of("https://shop.example/cart?").get().hasQuery()).isFalse();
    assertThat(
            UrlParts.of("https://shop.example/cart?utm_source=fb").get().param("utm_source", 128))
        .contains("fb");
  }

  @Test
  void dropsUserInfoAndPort() {
    UrlParts parts = UrlParts.of("http://user:secret@shop.example:8443?x=1").get();
    assertThat(parts.host()).isEqualTo("shop.example");
    assertThat(parts.query()).containsExactly(Map.entry("x", "1"));
  }

  @Test
  void aQuestionMarkInTheFragmentIsNoQuery() {
    assertThat(UrlParts.of("https://shop.example/#/cart?step=2").get().query()).isEmpty();
  }

  @Test
  void takesWhatBrowsersSendThatUriRefuses() {
    assertThat(UrlParts.of("https://my_shop.example/").get().host()).isEqualTo("my_shop.example");
    assertThat(UrlParts.of("https://bücher.example/").get().host()).isEqualTo("bücher.example");
    assertThat(UrlParts.of("https://shop.example/search?q=a|b {c}").get().query())
        .containsEntry("q", "a|b {c}");
    assertThat(UrlParts.of("android-app://com.google.android.gm/").get().host())
        .isEqualTo("com.google.android.gm");
  }

  @Test
  void readsBracketedIpv6Hosts() {
    assertThat(UrlParts.of("http://[2001:db8::1]:8080/x").get().host()).isEqualTo("[2001:db8::1]");
  }

  @Test
  void textWithoutAHostIsNoUrl() {
    for (String garbage :
        new String[] {
          "not a url",
          "/relative/path",
          "http://[::1",
          "http://[zz]/",
          "https://",
          "://x",
          "1http://x.example/",
          "http://a b.example/",
          "http://shop.example:80x/",
          "http://.example/",
          "javascript:alert(1)",
          "\u0000"
        }) {
      assertThat(UrlParts.of(garbage)).as(garbage).isEmpty();
    }
  }
}
