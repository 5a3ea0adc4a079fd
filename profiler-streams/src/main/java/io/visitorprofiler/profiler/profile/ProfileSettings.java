package io.visitorprofiler.profiler.profile;

import java.time.Duration;

/**
 * How profiles are kept.
 *
 * @param sessionGap inactivity after which the next event starts a new visit
 * @param onlineWindow a visitor is online while their last event is this recent; time on site and
 *     on page stop growing once they are not
 * @param retention a visitor idle this long is evicted from state
 * @param maxListEntries cap of every list and map in a profile (cart lines, SKUs, form fields)
 * @param maxValueLength cap of every string value taken from a form or custom variable
 */
public record ProfileSettings(
    Duration sessionGap,
    Duration onlineWindow,
    Duration retention,
    int maxListEntries,
    int maxValueLength) {

  public static final ProfileSettings DEFAULTS =
      new ProfileSettings(
          Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofDays(30), 25, 256);
}
