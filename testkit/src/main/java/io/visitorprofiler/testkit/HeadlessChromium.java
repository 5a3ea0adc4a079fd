package io.visitorprofiler.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (test tools' own browser
 * downloads fail on these machines; {@code ./vp test} installs both). {@code VP_CHROMIUM} and
 * {@code VP_CHROMEDRIVER} point elsewhere.
 */
public final class HeadlessChromium {
  private HeadlessChromium() {}

  public static WebDriver start(Path profileDir) {
    Path chromium = Path.of(System.getenv().getOrDefault("VP_CHROMIUM", "/usr/bin/chromium"));
    Path driver = Path.of(System.getenv().getOrDefault("VP_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
      throw new IllegalStateException(
          "Chromium and ChromeDriver are needed at "
              + chromium
              + " and "
              + driver
              + ": ./vp test installs them (Debian: apt-get install chromium chromium-driver)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        "--user-data-dir=" + profileDir);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
