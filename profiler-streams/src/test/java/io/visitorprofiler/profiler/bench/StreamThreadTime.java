package io.visitorprofiler.profiler.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where the stream threads' time went during a phase: their CPU, the time they were blocked on
 * Kafka (Kafka Streams' {@code blocked-time-ns-total}) and, within it, the transaction commits and
 * producer flushes; with the number of commits, polls and punctuations. Read from the difference of
 * two snapshots, so a latency phase can tell "too slow" from "waiting".
 */
final class StreamThreadTime {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long atNanos;
  private final long cpuNanos;
  private final Map<String, Double> totals;

  private StreamThreadTime(long atNanos, long cpuNanos, Map<String, Double> totals) {
    this.atNanos = atNanos;
    this.cpuNanos = cpuNanos;
    this.totals = totals;
  }

  static StreamThreadTime of(KafkaStreams streams, MeterRegistry meters) {
    Map<String, Double> totals = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      String group = m.getKey().group();
      String name = m.getKey().name();
      boolean thread = group.equals("stream-thread-metrics") && name.endsWith("-total");
      boolean producer =
          group.equals("producer-metrics")
              && name.endsWith("-time-ns-total")
              && m.getKey().tags().getOrDefault("client-id", "").contains("StreamThread");
      if ((thread || producer) && m.getValue().metricValue() instanceof Number n) {
        totals.merge(name, n.doubleValue(), Double::sum);
      }
    }
    long cpu = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("StreamThread")) {
        cpu += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
      }
    }
    Timer punctuations = meters.find("profiler.punctuations").timer();
    if (punctuations != null) {
      totals.put("punctuation-time-ns-total", punctuations.totalTime(TimeUnit.NANOSECONDS));
    }
    // Timers fired on a visitor's next event (catch-up) or by punctuation: each is an evaluation
    // and a write of the visitor's profile and timer entry.
    totals.put("timers-fired-total", meters.counter("profiler.timers.fired").count());
    return new StreamThreadTime(System.nanoTime(), cpu, totals);
  }

  /** One line: per stream thread and second of the phase since {@code earlier}. */
  String since(StreamThreadTime earlier, int threads) {
    double seconds = (atNanos - earlier.atNanos) / 1e9 * threads;
    return String.format(
        "per stream thread and second: CPU %.0f ms, blocked on Kafka %.0f ms (transaction commits"
            + " %.0f ms, sending offsets %.0f ms, producer flushes %.0f ms); %.1f commits, %.1f"
            + " polls, %.0f records processed, %.0f timers fired, %.1f punctuations taking %.0f"
            + " ms",
        (cpuNanos - earlier.cpuNanos) / 1e6 / seconds,
        delta(earlier, "blocked-time-ns-total") / 1e6 / seconds,
        delta(earlier, "txn-commit-time-ns-total") / 1e6 / seconds,
        delta(earlier, "txn-send-offsets-time-ns-total") / 1e6 / seconds,
        delta(earlier, "flush-time-ns-total") / 1e6 / seconds,
        delta(earlier, "commit-total") / seconds,
        delta(earlier, "poll-total") / seconds,
        delta(earlier, "process-total") / seconds,
        delta(earlier, "timers-fired-total") / seconds,
        delta(earlier, "punctuate-total") / seconds,
        delta(earlier, "punctuation-time-ns-total") / 1e6 / seconds);
  }

  private double delta(StreamThreadTime earlier, String name) {
    return totals.getOrDefault(name, 0.0) - earlier.totals.getOrDefault(name, 0.0);
  }
}
