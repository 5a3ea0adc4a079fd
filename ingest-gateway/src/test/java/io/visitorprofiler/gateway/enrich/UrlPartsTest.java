package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlPartsTest {

  @Test
  void readsTheHostLowerCasedAndTheQueryDecoded() {
    UrlParts parts =
        UrlParts.of("  https://WWW.Shop.Example/cart?utm_source=FB&q=steel+cups%21&flag#top").get();
    assertThat(parts.host()).isEqualTo("www.shop.example");
    assertThat(parts.domain()).isEqualTo("shop.example");
    assertThat(parts.param("utm_source", 128)).contains("FB");
    assertThat(parts.param("q", 128)).contains("steel cups!");
    assertThat(parts.param("flag", 128)).isEmpty(); // present, but blank
    assertThat(parts.param("top", 128)).isEmpty(); // the fragment is no parameter
  }

  @Test
  void namesAreComparedDecodedAndWithoutCase() {
    UrlParts parts =
        UrlParts.of("https://shop.example/?UTM_Medium=Email&utm%5Fsource=news&x+y=1&utm_source=no")
            .get();
    assertThat(parts.param("utm_medium", 128)).contains("Email");
    assertThat(parts.param("utm_source", 128)).contains("news"); // the first of a repeated name
    assertThat(parts.param("x y", 128)).contains("1");
    assertThat(parts.param("utm", 128)).isEmpty(); // a prefix of a name is not the name
    assertThat(parts.param("utm_medium_x", 128)).isEmpty();
    UrlParts flags = UrlParts.of("https://shop.example/?a&&=x&b&q=first=1&q=2").get();
    assertThat(flags.param("a", 128)).isEmpty(); // a name without a value
    assertThat(flags.param("b", 128)).isEmpty();
    assertThat(flags.param("q", 128)).contains("first=1");
  }

  @Test
  void valuesAreDecodedTrimmedAndCapped() {
    UrlParts parts =
        UrlParts.of("https://shop.example/?a=%20steel%20&b=100%&c=%E2%82%AC5&d=&e=a=b&f=abcdef")
            .get();
    assertThat(parts.param("a", 128)).contains("steel");
    assertThat(parts.param("b", 128)).contains("100%"); // a broken escape is kept as sent
    assertThat(parts.param("c", 128)).contains("€5");
    assertThat(parts.param("d", 128)).isEmpty();
    assertThat(parts.param("e", 128)).contains("a=b");
    assertThat(parts.param("f", 3)).contains("abc");
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
    assertThat(parts.param("x", 128)).contains("1");
  }

  @Test
  void aQuestionMarkInTheFragmentIsNoQuery() {
    UrlParts parts = UrlParts.of("https://shop.example/#/cart?step=2").get();
    assertThat(parts.hasQuery()).isFalse();
    assertThat(parts.param("step", 128)).isEmpty();
  }

  @Test
  void takesWhatBrowsersSendThatUriRefuses() {
    assertThat(UrlParts.of("https://my_shop.example/").get().host()).isEqualTo("my_shop.example");
    assertThat(UrlParts.of("https://bücher.example/").get().host()).isEqualTo("bücher.example");
    assertThat(UrlParts.of("https://shop.example/search?q=a|b {c}").get().param("q", 128))
        .contains("a|b {c}");
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
