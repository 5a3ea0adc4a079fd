package io.visitorprofiler.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A latency phase's worst seconds, to tell a stall from a spread: the three seconds with the
 * highest latency, each with the CPU the hypervisor took in it and the cores this JVM's busiest
 * threads used in it, and the p99 of the seconds the hypervisor took (almost) nothing in. Used by
 * the benchmarks; not thread-safe.
 */
public final class SlowestSeconds {
  /** A second with less stolen CPU than this counts as calm. */
  private static final double CALM_STOLEN_MILLIS = 20;

  /** How many of the busiest thread groups a slow second names. */
  private static final int THREAD_GROUPS_SHOWN = 5;

  private final Map<Long, List<Long>> bySecond = new HashMap<>();

  /** One latency, of a request or event sent in second {@code second} of the phase. */
  public void add(long second, long latencyNanos) {
    bySecond.computeIfAbsent(second, s -> new ArrayList<>()).add(latencyNanos);
  }

  /** The description; {@code stolen} may be null (not on Linux). */
  public String describe(StolenCpu stolen) {
    String slowest =
        bySecond.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), Collections.max(e.getValue())))
            .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
            .limit(3)
            .map(
                e ->
                    String.format(
                        "s%d %.0f ms%s",
                        e.getKey(),
                        e.getValue() / 1e6,
                        stolen == null ? "" : beside(stolen, e.getKey())))
            .collect(Collectors.joining(", "));
    if (stolen == null) {
      return slowest;
    }
    long[] calm =
        bySecond.entrySet().stream()
            .filter(e -> stolen.inSecond(e.getKey()) < CALM_STOLEN_MILLIS)
            .flatMap(e -> e.getValue().stream())
            .mapToLong(Long::longValue)
            .sorted()
            .toArray();
    return String.format(
        "%s; CPU stolen by the hypervisor in the phase: %.0f ms; p99 of the seconds with less than"
            + " %.0f ms stolen: %.1f ms",
        slowest, stolen.total(), CALM_STOLEN_MILLIS, percentile(calm, 0.99));
  }

  /** What else happened in the second: the CPU stolen, and the cores of the busiest threads. */
  private static String beside(StolenCpu stolen, long second) {
    String threads = stolen.threadsIn(second, THREAD_GROUPS_SHOWN);
    return String.format(
        " (%.0f ms stolen%s)", stolen.inSecond(second), threads.isEmpty() ? "" : "; " + threads);
  }

  /** The {@code p} quantile of sorted nanoseconds, in milliseconds (NaN when empty). */
  public static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
