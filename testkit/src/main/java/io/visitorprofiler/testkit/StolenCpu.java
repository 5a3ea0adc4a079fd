package io.visitorprofiler.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * CPU time the hypervisor took from this virtual machine ("steal" in {@code /proc/stat}), per
 * second of a phase. On the 2-core machine the benchmarks run on, steal comes in bursts of 100-300
 * ms about every 30 seconds; a latency phase's slowest seconds are read beside them, and beside the
 * cores this JVM's thread groups used in each of those seconds (a snapshot of {@link ThreadCpu} at
 * the start of every second). Used by the benchmarks.
 */
public final class StolenCpu implements AutoCloseable {
  private static final Path STAT = Path.of("/proc/stat");
  private static final double MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

  private final long start;
  private final ConcurrentMap<Long, Double> millisBySecond = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, ThreadCpu> threadsAtSecond = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  private StolenCpu(long startNanos) {
    this.start = startNanos;
    this.sampler = Thread.ofPlatform().daemon().name("steal-sampler").start(this::sample);
  }

  /** Samples from {@code startNanos} (a {@link System#nanoTime()}) on, or null off Linux. */
  public static StolenCpu from(long startNanos) {
    return read() >= 0 ? new StolenCpu(startNanos) : null;
  }

  private void sample() {
    long previous = read();
    while (running) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      long now = read();
      long second = Math.floorDiv(System.nanoTime() - start, 1_000_000_000L);
      if (second >= 0) {
        threadsAtSecond.computeIfAbsent(second, s -> ThreadCpu.now());
      }
      if (now > previous && second >= 0) {
        millisBySecond.merge(second, (now - previous) * MILLIS_PER_TICK, Double::sum);
      }
      previous = now;
    }
  }

  /** Stolen milliseconds in second {@code second} of the phase. */
  public double inSecond(long second) {
    return millisBySecond.getOrDefault(second, 0.0);
  }

  /**
   * The cores this JVM's {@code top} busiest thread groups used in second {@code second} (from the
   * snapshot taken early in it to the one early in the next), or empty when either is missing.
   */
  public String threadsIn(long second, int top) {
    ThreadCpu from = threadsAtSecond.get(second);
    ThreadCpu to = threadsAtSecond.get(second + 1);
    return from == null || to == null ? "" : to.since(from, top);
  }

  /** Stolen milliseconds since the start. */
  public double total() {
    return millisBySecond.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The aggregate steal ticks of all CPUs, or -1 when they cannot be read. */
  private static long read() {
    try {
      String cpu = Files.readAllLines(STAT).getFirst();
      String[] fields = cpu.trim().split("\\s+");
      return fields[0].equals("cpu") && fields.length > 8 ? Long.parseLong(fields[8]) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
  }
}
