package io.visitorprofiler.profiler.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the process together: one block cache and
 * one write-buffer manager shared by all stores, index and filter blocks counted in the cache. The
 * total comes from {@value #MEMORY_BYTES} in the Streams configuration.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
  public static final String MEMORY_BYTES = "vp.rocksdb.memory.bytes";

  /** Share of the memory that write buffers (memtables) may take. */
  private static final double WRITE_BUFFER_SHARE = 0.25;

  private static Cache cache;
  private static WriteBufferManager writeBuffers;

  private static synchronized void init(long totalBytes) {
    if (cache == null) {
      cache = new LRUCache(totalBytes, -1, false, 0.1);
      writeBuffers = new WriteBufferManager((long) (totalBytes * WRITE_BUFFER_SHARE), cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES);
    init(configured == null ? 128L * 1024 * 1024 : Long.parseLong(configured.toString()));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(writeBuffers);
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write-buffer manager are shared by every store; they live as long as the
    // process.
  }
}
