package io.visitorprofiler.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One of this JVM's threads, Java or native, as Linux reports it in {@code
 * /proc/self/task/<tid>/stat}: its name (15 characters at most), CPU ticks (user and system) and
 * nice value.
 */
public record ThreadStat(String tid, String name, long cpuTicks, int nice) {
  private static final Path TASKS = Path.of("/proc/self/task");

  /** This JVM's threads now; none off Linux. */
  public static List<ThreadStat> ofThisJvm() {
    List<ThreadStat> threads = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String tid = task.getFileName().toString();
        try {
          parse(tid, Files.readString(task.resolve("stat"))).ifPresent(threads::add);
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to report
    }
    return threads;
  }

  /**
   * A {@code stat} line: {@code tid (name) state …}, where the name may hold spaces and
   * parentheses; user and system ticks are the 12th and 13th fields after it, nice the 17th.
   */
  static Optional<ThreadStat> parse(String tid, String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 17) {
      return Optional.empty();
    }
    return Optional.of(
        new ThreadStat(
            tid,
            stat.substring(open + 1, close),
            Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
            Integer.parseInt(fields[16])));
  }
}
