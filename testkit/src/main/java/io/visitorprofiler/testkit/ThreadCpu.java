package io.visitorprofiler.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongToDoubleFunction;

/**
 * CPU time of this JVM's threads, Java and native alike ({@code /proc/self/task/<tid>/stat}),
 * grouped by name with digits masked so that a pool counts once ({@code rocksdb:low}, {@code
 * data-plane-kafka-…}, {@code C2 CompilerThread…}; Linux keeps 15 characters of a name). The
 * difference of two snapshots says whether a phase left a core idle on the two-core machine the
 * benchmarks share with the broker, and who used it: the stream threads, the broker's request
 * handlers, RocksDB's flushes and compactions, the JIT. Empty off Linux. Used by the benchmarks.
 */
public final class ThreadCpu {
  private static final double MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

  /** One thread's group name and CPU ticks (user and system). */
  record Sample(String group, long ticks) {}

  private final long atNanos;
  private final Map<String, Sample> byThread;

  ThreadCpu(long atNanos, Map<String, Sample> byThread) {
    this.atNanos = atNanos;
    this.byThread = byThread;
  }

  /** This JVM's threads now. */
  public static ThreadCpu now() {
    Map<String, Sample> byThread = new HashMap<>();
    for (ThreadStat thread : ThreadStat.ofThisJvm()) {
      byThread.put(thread.tid(), sample(thread));
    }
    return new ThreadCpu(System.nanoTime(), byThread);
  }

  /** A {@code stat} line's thread, its name with digits masked (see {@link ThreadStat#parse}). */
  static Optional<Sample> parse(String stat) {
    return ThreadStat.parse("", stat).map(ThreadCpu::sample);
  }

  private static Sample sample(ThreadStat thread) {
    return new Sample(thread.name().replaceAll("[0-9]+", "#"), thread.cpuTicks());
  }

  /**
   * Cores used since {@code earlier}, in all and by the {@code top} busiest groups: "1.96 cores:
   * bench-#-rules 1.04, data-plane-kafk 0.35, …". A thread that started since counts from zero; one
   * that ended is missing.
   */
  public String since(ThreadCpu earlier, int top) {
    double seconds = (atNanos - earlier.atNanos) / 1e9;
    if (byThread.isEmpty() || seconds <= 0) {
      return "no thread CPU (not Linux)";
    }
    return describe(earlier, top, "%.2f cores:", ticks -> cores(ticks, seconds));
  }

  /**
   * CPU time per item (an event, a record) since {@code earlier}, in microseconds, in all and by
   * the {@code top} busiest groups: "10.4 µs: ForkJoinPool-#-wor 6.1, data-plane-kafk 2.0, …", so
   * that two phases that did the same work at different rates compare by group.
   */
  public String perItem(ThreadCpu earlier, long items, int top) {
    if (byThread.isEmpty()) {
      return "no thread CPU (not Linux)";
    }
    if (items <= 0) {
      return "no CPU per item (none done)";
    }
    return describe(earlier, top, "%.1f µs:", ticks -> ticks * MILLIS_PER_TICK * 1000 / items);
  }

  private String describe(
      ThreadCpu earlier, int top, String totalFormat, LongToDoubleFunction measure) {
    Map<String, Long> ticks = new HashMap<>();
    byThread.forEach(
        (thread, sample) -> {
          Sample before = earlier.byThread.get(thread);
          long used = sample.ticks() - (before == null ? 0 : before.ticks());
          ticks.merge(sample.group(), used, Long::sum);
        });
    List<Map.Entry<String, Long>> busiest = new ArrayList<>(ticks.entrySet());
    busiest.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    long all = ticks.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder text = new StringBuilder(String.format(totalFormat, measure.applyAsDouble(all)));
    for (Map.Entry<String, Long> group : busiest.subList(0, Math.min(top, busiest.size()))) {
      text.append(
          String.format(" %s %.2f,", group.getKey(), measure.applyAsDouble(group.getValue())));
    }
    text.setLength(text.length() - 1);
    return text.toString();
  }

  /** The group names of the threads in this snapshot. */
  Set<String> groups() {
    Set<String> groups = new HashSet<>();
    byThread.values().forEach(sample -> groups.add(sample.group()));
    return groups;
  }

  private static double cores(long ticks, double seconds) {
    return ticks * MILLIS_PER_TICK / 1000 / seconds;
  }
}
