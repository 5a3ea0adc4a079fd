package io.visitorprofiler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void aStatLineGivesTheNameWithDigitsMaskedAndUserPlusSystemTicks() {
    String stat =
        "4242 (C2 Compiler (x)) S 1 4200 4200 0 -1 4194368 1000 0 0 0 730 45 0 0 20 0 30 0 5 0";
    assertThat(ThreadCpu.parse(stat)).contains(new ThreadCpu.Sample("C# Compiler (x)", 775));
    assertThat(ThreadCpu.parse("4242 (truncated")).isEmpty();
    assertThat(ThreadCpu.parse("4242 (short) S 1 2")).isEmpty();
  }

  @Test
  void groupsAddUpTheirThreadsAndANewThreadCountsFromZero() {
    ThreadCpu before =
        new ThreadCpu(
            0,
            Map.of(
                "1", new ThreadCpu.Sample("stream-#", 100),
                "2", new ThreadCpu.Sample("stream-#", 100),
                "3", new ThreadCpu.Sample("broker", 50)));
    ThreadCpu after =
        new ThreadCpu(
            2_000_000_000L,
            Map.of(
                "1", new ThreadCpu.Sample("stream-#", 180),
                "2", new ThreadCpu.Sample("stream-#", 160),
                "3", new ThreadCpu.Sample("broker", 90),
                "4", new ThreadCpu.Sample("rocksdb:low", 20)));

    // 2 s: stream threads 140 ticks (1.40 s = 0.70 cores), broker 0.20, compaction 0.10.
    assertThat(after.since(before, 2)).isEqualTo("1.00 cores: stream-# 0.70, broker 0.20");
  }

  @Test
  void perItemDividesEachGroupsTimeByTheItems() {
    ThreadCpu before =
        new ThreadCpu(
            0,
            Map.of(
                "1", new ThreadCpu.Sample("carrier-#", 100),
                "2", new ThreadCpu.Sample("broker", 50)));
    ThreadCpu after =
        new ThreadCpu(
            1_000_000_000L,
            Map.of(
                "1", new ThreadCpu.Sample("carrier-#", 160),
                "2", new ThreadCpu.Sample("broker", 70),
                "3", new ThreadCpu.Sample("jit", 5)));

    // 85 ticks = 850 ms over 100,000 events = 8.5 µs each: carriers 6.0, broker 2.0, JIT 0.5.
    assertThat(after.perItem(before, 100_000, 2)).isEqualTo("8.5 µs: carrier-# 6.00, broker 2.00");
    assertThat(after.perItem(before, 0, 2)).isEqualTo("no CPU per item (none done)");
  }

  @Test
  void aThreadOfThisJvmIsFoundUnderItsMaskedName() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // The JVM gives the OS thread its name once the thread runs, not when start() returns: read
    // /proc only after the probe has begun its work (before, it can still be "java").
    Thread probe =
        Thread.ofPlatform()
            .name("probe-thread-42")
            .start(
                () -> {
                  running.countDown();
                  await(release);
                });
    try {
      running.await();
      assertThat(ThreadCpu.now().groups()).contains("probe-thread-#");
    } finally {
      release.countDown();
      probe.join();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
