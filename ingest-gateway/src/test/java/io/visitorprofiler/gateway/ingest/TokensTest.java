package io.visitorprofiler.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written checks against the regular expressions they replaced, as the oracle. */
class TokensTest {
  private static final List<String> SAMPLES =
      List.of(
          "",
          "a",
          "v-1",
          "v-1.x_y:z@w",
          "v 1",
          "v/1",
          "é",
          "America/New_York",
          "Etc/GMT+5",
          "x".repeat(64),
          "x".repeat(65),
          "en",
          "en-US",
          "zh-Hant-TW",
          "e",
          "english",
          "abcdefghi",
          "en-",
          "en--US",
          "-en",
          "en-123456789",
          "en-12345678",
          "en_US",
          "not a language",
          "de-DE-1996",
          "ÉN-us");

  @Test
  void identifiersAreWhatTheirPatternAccepted() {
    assertAgree(Tokens::isIdentifier, "[A-Za-z0-9._:@-]+");
  }

  @Test
  void timeZonesAreWhatTheirPatternAccepted() {
    assertAgree(Tokens::isTimeZone, "[A-Za-z0-9_+\\-/]{1,64}");
  }

  @Test
  void languageTagsAreWhatTheirPatternAccepted() {
    assertAgree(Tokens::isLanguageTag, "[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
  }

  private static void assertAgree(Predicate<String> check, String regex) {
    Pattern pattern = Pattern.compile(regex);
    for (String sample : SAMPLES) {
      assertThat(check.test(sample)).as(sample).isEqualTo(pattern.matcher(sample).matches());
    }
  }
}
