package io.visitorprofiler.gateway.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.visitorprofiler.schemas.Device;
import java.util.Locale;
import java.util.Set;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * User agent to device type ({@code desktop}, {@code mobile}, {@code tablet}, {@code tv}, {@code
 * console}, {@code watch}, {@code other}), operating system and browser, with Yauaa (a maintained
 * analyzer that also recognises robots, crawlers, spies and hacking tools; those are flagged as
 * bots and not profiled). Results are cached per user agent string, in front of the analyzer: a hit
 * in Yauaa's own cache still built a mutable result and its field set for every request (3 % of the
 * gateway's CPU samples under load), a hit here is one look-up.
 */
public final class DeviceDetector {
  private static final Set<String> ROBOT_CLASSES =
      Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker", "Cloud");
  private static final Set<String> ROBOT_AGENT_CLASSES =
      Set.of("Robot", "Robot Mobile", "Special", "Hacker", "Cloud Application", "Spy");

  /** What a user agent says, kept per user agent string; a fresh {@link Device} per request. */
  private record Detected(String type, String os, String browser, boolean bot) {
    Device device() {
      return new Device(type, os, browser, bot);
    }
  }

  private final UserAgentAnalyzer analyzer;
  private final Cache<String, Detected> detected;

  /**
   * @param cacheSize user agents whose result is kept (0: every request is analysed)
   */
  public DeviceDetector(int cacheSize) {
    this.detected = Caffeine.newBuilder().maximumSize(cacheSize).build();
    this.analyzer =
        UserAgentAnalyzer.newBuilder()
            .hideMatcherLoadStats()
            .withoutCache()
            .withFields(
                UserAgent.DEVICE_CLASS,
                UserAgent.OPERATING_SYSTEM_NAME,
                UserAgent.AGENT_NAME,
                UserAgent.AGENT_CLASS)
            .immediateInitialization()
            .build();
  }

  public Device detect(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return new Device(null, null, null, false);
    }
    return detected.get(userAgent, this::analyse).device();
  }

  private Detected analyse(String userAgent) {
    UserAgent parsed = analyzer.parse(userAgent);
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    String agentClass = parsed.getValue(UserAgent.AGENT_CLASS);
    boolean bot = ROBOT_CLASSES.contains(deviceClass) || ROBOT_AGENT_CLASSES.contains(agentClass);
    return new Detected(
        bot ? "bot" : type(deviceClass),
        os(parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME)),
        known(parsed.getValue(UserAgent.AGENT_NAME)),
        bot);
  }

  private static String type(String deviceClass) {
    return switch (deviceClass) {
      case "Desktop", "Laptop" -> "desktop";
      case "Phone", "Mobile", "Handheld Game Console" -> "mobile";
      case "Tablet", "eReader" -> "tablet";
      case "TV", "Set-top box" -> "tv";
      case "Game Console" -> "console";
      case "Watch" -> "watch";
      case "Unknown" -> null;
      default -> deviceClass.toLowerCase(Locale.ROOT);
    };
  }

  /** The names the condition vocabulary documents: Windows, macOS, iOS, Android, Linux, ... */
  private static String os(String name) {
    String value = known(name);
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "Windows NT", "Windows" -> "Windows";
      case "Mac OS", "Mac OS X", "macOS" -> "macOS";
      case "iOS", "iPadOS" -> "iOS";
      case "Chrome OS", "ChromeOS" -> "ChromeOS";
      default -> value;
    };
  }

  private static String known(String value) {
    return value == null || value.startsWith("Unknown") || value.equals("??") ? null : value;
  }
}
