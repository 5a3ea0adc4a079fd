package io.visitorprofiler.profiler.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds the off-heap memory of the RocksDB stores: one block cache for all stores of the process
 * ({@value #MEMORY_BYTES} in the Streams configuration, index and filter blocks counted in it), and
 * at most {@value #WRITE_BUFFERS} memtables of {@value #WRITE_BUFFER_BYTES} bytes per store.
 *
 * <p>A shared WriteBufferManager would bound memtables globally, but measured with the profiler
 * benchmark it halved throughput (it forced flushes of tiny memtables across the 3 stores per
 * partition); per-store memtables bound memory by the number of partitions an instance owns.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
  public static final String MEMORY_BYTES = "vp.rocksdb.memory.bytes";
  static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
  static final int WRITE_BUFFERS = 2;

  private static Cache cache;

  private static synchronized Cache cache(long totalBytes) {
    if (cache == null) {
      cache = new LRUCache(totalBytes, -1, false, 0.1);
    }
    return cache;
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES);
    long total = configured == null ? 512L * 1024 * 1024 : Long.parseLong(configured.toString());
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache(total));
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
