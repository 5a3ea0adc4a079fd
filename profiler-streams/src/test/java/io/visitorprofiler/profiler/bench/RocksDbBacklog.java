package io.visitorprofiler.profiler.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How far RocksDB's background work fell behind the stream threads' writes during a phase, second
 * by second: every 100 ms it reads each store's {@code num-immutable-mem-table} (a full memtable
 * waiting for its flush: with two memtables per store, the store's writes stop when the other one
 * fills before that flush is done), {@code compaction-pending} and {@code num-running-compactions}
 * (Kafka Streams' RocksDB property metrics, read live). A slow second is matched with them.
 */
final class RocksDbBacklog implements AutoCloseable {
  private static final String GROUP = "stream-state-metrics";

  /**
   * The most stores with a memtable waiting for its flush and with a compaction due, and the most
   * compactions running, seen in a second.
   */
  private record Second(int flushing, int compacting, int compactions) {
    Second max(Second other) {
      return new Second(
          Math.max(flushing, other.flushing),
          Math.max(compacting, other.compacting),
          Math.max(compactions, other.compactions));
    }
  }

  private final long start;
  private final List<Metric> immutableMemtables = new ArrayList<>();
  private final List<Metric> compactionsPending = new ArrayList<>();
  private final List<Metric> compactions = new ArrayList<>();
  private final Map<Long, Second> bySecond = new ConcurrentSkipListMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  /** Samples the stores {@code streams} has now, from {@code startNanos} (a nanoTime) on. */
  RocksDbBacklog(KafkaStreams streams, long startNanos) {
    this.start = startNanos;
    for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> m :
        streams.metrics().entrySet()) {
      if (!m.getKey().group().equals(GROUP)) {
        continue;
      }
      switch (m.getKey().name()) {
        case "num-immutable-mem-table" -> immutableMemtables.add(m.getValue());
        case "compaction-pending" -> compactionsPending.add(m.getValue());
        case "num-running-compactions" -> compactions.add(m.getValue());
        default -> {}
      }
    }
    this.sampler = Thread.ofPlatform().daemon().name("rocksdb-backlog").start(this::sample);
  }

  private void sample() {
    while (running) {
      long second = Math.floorDiv(System.nanoTime() - start, 1_000_000_000L);
      Second now =
          new Second(count(immutableMemtables), count(compactionsPending), sum(compactions));
      if (second >= 0) {
        bySecond.merge(second, now, Second::max);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static int count(List<Metric> metrics) {
    int positive = 0;
    for (Metric m : metrics) {
      if (m.metricValue() instanceof Number n && n.doubleValue() > 0) {
        positive++;
      }
    }
    return positive;
  }

  private static int sum(List<Metric> metrics) {
    int total = 0;
    for (Metric m : metrics) {
      if (m.metricValue() instanceof Number n) {
        total += n.intValue();
      }
    }
    return total;
  }

  /**
   * One line: the seconds in which some store had a memtable waiting for its flush (with the most
   * such stores, and the most compactions running in that second), and the most compactions running
   * at once.
   */
  String describe() {
    if (immutableMemtables.isEmpty()) {
      return "no RocksDB property metrics found";
    }
    Map<Long, Second> waiting = new TreeMap<>();
    int mostCompactions = 0;
    long atSecond = -1;
    for (Map.Entry<Long, Second> e : bySecond.entrySet()) {
      Second s = e.getValue();
      if (s.flushing() > 0) {
        waiting.put(e.getKey(), s);
      }
      if (s.compactions() > mostCompactions) {
        mostCompactions = s.compactions();
        atSecond = e.getKey();
      }
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%d stores; a memtable waiting for its flush in %d of %d seconds",
                immutableMemtables.size(), waiting.size(), bySecond.size()));
    waiting.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.comparingInt(Second::flushing).reversed()))
        .limit(8)
        .forEach(
            e ->
                text.append(
                    String.format(
                        ", s%d (%d stores; %d with a compaction due, %d running)",
                        e.getKey(),
                        e.getValue().flushing(),
                        e.getValue().compacting(),
                        e.getValue().compactions())));
    text.append(
        String.format(
            "; at most %d compactions running at once%s",
            mostCompactions, atSecond < 0 ? "" : " (s" + atSecond + ")"));
    return text.toString();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
  }
}
