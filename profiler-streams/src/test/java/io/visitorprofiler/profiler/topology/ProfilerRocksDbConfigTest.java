package io.visitorprofiler.profiler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visitorprofiler.testkit.ThreadStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class ProfilerRocksDbConfigTest {
  private final ProfilerRocksDbConfig config = new ProfilerRocksDbConfig();

  @Test
  void boundsTheMemtablesOfEveryStoreWhenMemoryIsBounded() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig()); // as Kafka Streams gives it
      config.setConfig("s", options, Map.of(ProfilerRocksDbConfig.MEMORY_BYTES, "1048576"));

      assertThat(options.writeBufferSize()).isEqualTo(ProfilerRocksDbConfig.WRITE_BUFFER_BYTES);
      assertThat(options.maxWriteBufferNumber()).isEqualTo(ProfilerRocksDbConfig.WRITE_BUFFERS);
      assertThat(options.compressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
    }
  }

  @Test
  void leavesMemoryAloneWhenNotBounded() {
    try (Options options = new Options();
        Options defaults = new Options()) {
      config.setConfig("s", options, Map.of(ProfilerRocksDbConfig.LOW_PRIORITY, "false"));

      assertThat(options.writeBufferSize()).isEqualTo(defaults.writeBufferSize());
      assertThat(options.compressionType()).isEqualTo(defaults.compressionType());
    }
  }

  @Test
  void flushesAndCompactionsRunAtTheLowestCpuPriority(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "per-thread priorities of Linux");
    // Under `nice -n 19` every thread would already be at 19, and the test could not fail.
    assumeTrue(
        ThreadStat.ofThisJvm().stream()
            .filter(thread -> !thread.name().startsWith("rocksdb:"))
            .allMatch(thread -> thread.nice() < 19),
        "a JVM not at nice 19");
    RocksDB.loadLibrary();
    try (Options options = new Options().setCreateIfMissing(true)) {
      Map<String, Object> configs = new HashMap<>();
      configs.put(ProfilerRocksDbConfig.LOW_PRIORITY, "true");
      config.setConfig("s", options, configs);
      try (RocksDB db = RocksDB.open(options, dir.toString());
          FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
        // Two flushed files and a compaction of them: work for both background pools.
        for (int file = 0; file < 2; file++) {
          db.put(("k" + file).getBytes(StandardCharsets.UTF_8), new byte[100]);
          db.flush(wait);
        }
        db.compactRange();
      }
    }

    // A pool's thread takes the pool's priority when it picks up its next job (an idle one keeps
    // its own): the flush and the compaction above each ran on one that had.
    Map<String, Integer> niceByThread = rocksDbThreadsNice();
    assertThat(niceByThread)
        .anySatisfy((thread, nice) -> assertThat(thread).startsWith("rocksdb:high"))
        .anySatisfy((thread, nice) -> assertThat(thread).startsWith("rocksdb:low"));
    assertThat(niceByThread)
        .anySatisfy(
            (thread, nice) -> {
              assertThat(thread).startsWith("rocksdb:high");
              assertThat(nice).isEqualTo(19);
            })
        .anySatisfy(
            (thread, nice) -> {
              assertThat(thread).startsWith("rocksdb:low");
              assertThat(nice).isEqualTo(19);
            });
  }

  /** Nice value of each of this process's RocksDB threads, by thread name and id. */
  private static Map<String, Integer> rocksDbThreadsNice() {
    Map<String, Integer> nice = new HashMap<>();
    for (ThreadStat thread : ThreadStat.ofThisJvm()) {
      if (thread.name().startsWith("rocksdb:")) {
        nice.put(thread.name() + "/" + thread.tid(), thread.nice());
      }
    }
    return nice;
  }
}
