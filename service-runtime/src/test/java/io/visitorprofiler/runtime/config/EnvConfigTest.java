package io.visitorprofiler.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvConfigTest {
  enum Mode {
    AT_LEAST_ONCE,
    EXACTLY_ONCE
  }

  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    EnvConfig env = new EnvConfig(Map.of("BLANK", "  "));
    assertThat(env.string("BLANK", "local")).isEqualTo("local");
    assertThat(env.integer("UNSET", 7, 1, 10)).isEqualTo(7);
    assertThat(env.bool("UNSET", true)).isTrue();
  }

  @Test
  void integersOutsideTheirRangeAreRefusedWithTheirName() {
    EnvConfig env = new EnvConfig(Map.of("VP_PORT", "70000", "VP_SIZE", "big"));
    assertThatThrownBy(() -> env.integer("VP_PORT", 8080, 1, 65535))
        .isInstanceOf(ConfigException.class)
        .hasMessage("VP_PORT must be between 1 and 65535, got 70000");
    assertThatThrownBy(() -> env.integer("VP_SIZE", 1, 1, 2))
        .hasMessage("VP_SIZE must be an integer, got 'big'");
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    EnvConfig env =
        new EnvConfig(
            Map.of("A", "250ms", "B", "30s", "C", "5m", "D", "2h", "E", "7d", "F", "PT1M30S"));
    assertThat(env.duration("A", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(env.duration("B", null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(env.duration("C", null)).isEqualTo(Duration.ofMinutes(5));
    assertThat(env.duration("D", null)).isEqualTo(Duration.ofHours(2));
    assertThat(env.duration("E", null)).isEqualTo(Duration.ofDays(7));
    assertThat(env.duration("F", null)).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> new EnvConfig(Map.of("G", "soon")).duration("G", null))
        .hasMessageContaining("G must be a duration");
  }

  @Test
  void negativeAndOverflowingDurationsAreRefusedNamingTheVariable() {
    for (String text :
        List.of("-P30D", "PT-5M", "99999999999999999999s", "9999999999999999d", "1000000000000d")) {
      assertThatThrownBy(() -> new EnvConfig(Map.of("RETENTION", text)).duration("RETENTION", null))
          .as(text)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("RETENTION must")
          .hasMessageContaining(text);
    }
    assertThat(new EnvConfig(Map.of("DWELL", "0s")).duration("DWELL", null)).isZero();
  }

  @Test
  void unknownEnumValuesAreRefusedNotDefaulted() {
    EnvConfig env = new EnvConfig(Map.of("OK", "exactly-once", "BAD", "twice"));
    assertThat(env.enumValue("OK", Mode.class, Mode.AT_LEAST_ONCE)).isEqualTo(Mode.EXACTLY_ONCE);
    assertThatThrownBy(() -> env.enumValue("BAD", Mode.class, Mode.AT_LEAST_ONCE))
        .hasMessage("BAD must be one of at_least_once, exactly_once, got 'twice'");
  }

  @Test
  void booleansMustBeBooleans() {
    assertThatThrownBy(() -> new EnvConfig(Map.of("X", "maybe")).bool("X", false))
        .hasMessage("X must be true or false, got 'maybe'");
  }
}
