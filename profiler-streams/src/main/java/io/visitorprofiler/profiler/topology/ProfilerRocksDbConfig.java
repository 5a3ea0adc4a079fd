package io.visitorprofiler.profiler.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.Env;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.Priority;

/**
 * The RocksDB settings of every store of the profiler: bounded memory, and flushes and compactions
 * at the lowest CPU priority.
 *
 * <p>Memory, when {@value #MEMORY_BYTES} is in the Streams configuration: one block cache of that
 * size for all stores of the process (index and filter blocks counted in it), and at most {@value
 * #WRITE_BUFFERS} memtables of {@value #WRITE_BUFFER_BYTES} bytes per store. A shared
 * WriteBufferManager would bound memtables globally, but measured with the profiler benchmark it
 * halved throughput (it forced flushes of tiny memtables across the 3 stores per partition);
 * per-store memtables bound memory by the number of partitions an instance owns.
 *
 * <p>Priority, when {@value #LOW_PRIORITY} is {@code true} (absent: unchanged;
 * ProfilerStreamsConfig always sets it): RocksDB's two background pools of the process, flushes and
 * compactions, are lowered to nice 19, which each pool thread takes when it picks up its next job.
 * Every partition's stores fill their memtables at the same pace, so flushes and compactions fell
 * due together and took about half of the two cores for two or three seconds, the stream threads'
 * share fell by a quarter, and those seconds were a run's slowest. At the lowest priority the same
 * work takes the time the stream threads leave: it still keeps up (0.04 cores in the benchmark's
 * paced phase), and a memtable that cannot be flushed in time stalls the writes, which gives the
 * flush its core back.
 */
public final class ProfilerRocksDbConfig implements RocksDBConfigSetter {
  public static final String MEMORY_BYTES = "vp.rocksdb.memory.bytes";
  public static final String LOW_PRIORITY = "vp.rocksdb.background.low.priority";
  static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
  static final int WRITE_BUFFERS = 2;

  private static Cache cache;

  private static synchronized Cache cache(long totalBytes) {
    if (cache == null) {
      cache = new LRUCache(totalBytes, -1, false, 0.1);
    }
    return cache;
  }

  /**
   * The background pools belong to the process's Env, shared by every store; lowering them again
   * for the next store sets the same priority.
   */
  private static void lowerBackgroundPriority(Env env) {
    env.lowerThreadPoolCPUPriority(Priority.HIGH); // flushes
    env.lowerThreadPoolCPUPriority(Priority.LOW); // compactions
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object memory = configs.get(MEMORY_BYTES);
    if (memory != null) {
      bound(options, Long.parseLong(memory.toString()));
    }
    if (Boolean.parseBoolean(String.valueOf(configs.get(LOW_PRIORITY)))) {
      lowerBackgroundPriority(options.getEnv());
    }
  }

  private static void bound(Options options, long totalBytes) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache(totalBytes));
    table.setCacheIndexAndFilterBlocks(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferSize(WRITE_BUFFER_BYTES);
    options.setMaxWriteBufferNumber(WRITE_BUFFERS);
    // Profiles repeat URLs and names: LZ4 keeps state per visitor small at little CPU cost.
    options.setCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache is shared by every store; it lives as long as the process.
  }
}
