package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.schemas.Device;
import org.junit.jupiter.api.Test;

/** Device type, operating system, browser and bots from the user agent. */
class DeviceDetectorTest {
  /** One analyzer for the class: building it takes seconds. */
  private static final DeviceDetector DEVICES = new DeviceDetector(100);

  static final String CHROME_ON_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/124.0.0.0 Safari/537.36";
  static final String SAFARI_ON_IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  static final String SAFARI_ON_IPAD =
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Mobile/15E148 Safari/604.1";
  static final String GOOGLEBOT =
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  static final String GOOGLEBOT_SMARTPHONE =
      "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like"
          + " Gecko) Chrome/124.0.6367.155 Mobile Safari/537.36 (compatible; Googlebot/2.1;"
          + " +http://www.google.com/bot.html)";

  @Test
  void chromeOnWindowsIsADesktop() {
    Device device = DEVICES.detect(CHROME_ON_WINDOWS);

    assertThat(device.getType()).isEqualTo("desktop");
    assertThat(device.getOs()).isEqualTo("Windows");
    assertThat(device.getBrowser()).isEqualTo("Chrome");
    assertThat(device.getBot()).isFalse();
  }

  @Test
  void aRepeatedUserAgentGetsTheSameAnswerInARecordOfItsOwn() {
    Device first = DEVICES.detect(CHROME_ON_WINDOWS);
    first.setType("changed by its reader");

    Device again = DEVICES.detect(CHROME_ON_WINDOWS);

    assertThat(again).isNotSameAs(first);
    assertThat(again.getType()).isEqualTo("desktop");
    assertThat(again.getBrowser()).isEqualTo("Chrome");
  }

  @Test
  void safariOnAnIphoneIsMobile() {
    Device device = DEVICES.detect(SAFARI_ON_IPHONE);

    assertThat(device.getType()).isEqualTo("mobile");
    assertThat(device.getOs()).isEqualTo("iOS");
    assertThat(device.getBrowser()).isEqualTo("Safari");
    assertThat(device.getBot()).isFalse();
  }

  @Test
  void anIpadIsATablet() {
    Device device = DEVICES.detect(SAFARI_ON_IPAD);

    assertThat(device.getType()).isEqualTo("tablet");
    assertThat(device.getOs()).isEqualTo("iOS");
    assertThat(device.getBot()).isFalse();
  }

  @Test
  void googlebotIsABot() {
    Device device = DEVICES.detect(GOOGLEBOT);

    assertThat(device.getBot()).isTrue();
    assertThat(device.getType()).isEqualTo("bot");
  }

  @Test
  void googlebotPosingAsAPhoneIsStillABot() {
    Device device = DEVICES.detect(GOOGLEBOT_SMARTPHONE);

    assertThat(device.getBot()).isTrue();
    assertThat(device.getType()).isEqualTo("bot");
  }

  @Test
  void noUserAgentGivesNothingAndIsNotABot() {
    for (String blank : new String[] {null, "", "   "}) {
      Device device = DEVICES.detect(blank);

      assertThat(device).isEqualTo(new Device(null, null, null, false));
    }
  }

  @Test
  void theSameUserAgentGivesTheSameDevice() {
    assertThat(DEVICES.detect(CHROME_ON_WINDOWS)).isEqualTo(DEVICES.detect(CHROME_ON_WINDOWS));
  }
}
