package io.visitorprofiler.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU time of this JVM's threads, Java and native alike ({@code /proc/self/task/<tid>/stat}),
 * grouped by name with digits masked so that a pool counts once ({@code rocksdb:low}, {@code
 * data-plane-kafka-…}, {@code C2 CompilerThread…}; Linux keeps 15 characters of a name). The
 * difference of two snapshots says whether a phase left a core idle on the two-core machine the
 * benchmarks share with the broker, and who used it: the stream threads, the broker's request
 * handlers, RocksDB's flushes and compactions, the JIT. Empty off Linux. Used by the benchmarks.
 */
public final class ThreadCpu {
  private static final Path TASKS = Path.of("/proc/self/task");
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
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          parse(Files.readString(task.resolve("stat")))
              .ifPresent(sample -> byThread.put(task.getFileName().toString(), sample));
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to report
    }
    return new ThreadCpu(System.nanoTime(), byThread);
  }

  /**
   * A {@code stat} line: {@code tid (name) state …}, where the name may hold spaces and
   * parentheses, and user and system ticks are the 12th and 13th fields after it.
   */
  static Optional<Sample> parse(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      return Optional.empty();
    }
    String group = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
    return Optional.of(new Sample(group, Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
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
    StringBuilder text = new StringBuilder(String.format("%.2f cores:", cores(all, seconds)));
    for (Map.Entry<String, Long> group : busiest.subList(0, Math.min(top, busiest.size()))) {
      text.append(String.format(" %s %.2f,", group.getKey(), cores(group.getValue(), seconds)));
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
