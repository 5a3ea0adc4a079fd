package io.visitorprofiler.profiler.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/** The topology's own meters (Kafka Streams' metrics are bound separately). */
public final class ProfilerMetrics {
  private final MeterRegistry registry;
  final Counter clickstreamEvents;
  final Counter chatEvents;
  final Counter erasures;
  final Counter entered;
  final Counter exited;
  final Counter timersFired;
  final Counter timerFailures;
  final Counter definitionReevaluations;
  final Counter reevaluationFailures;
  final AtomicLong timerBacklog = new AtomicLong();

  /** Wall-clock punctuations: due timers and re-evaluations after a definition change. */
  final Timer punctuations;

  public ProfilerMetrics(MeterRegistry registry) {
    this.registry = registry;
    clickstreamEvents = registry.counter("profiler.events", "topic", "clickstream");
    chatEvents = registry.counter("profiler.events", "topic", "chat");
    erasures = registry.counter("profiler.erasures");
    entered = registry.counter("profiler.transitions", "transition", "ENTERED");
    exited = registry.counter("profiler.transitions", "transition", "EXITED");
    timersFired = registry.counter("profiler.timers.fired");
    timerFailures = registry.counter("profiler.timers.failed");
    definitionReevaluations = registry.counter("profiler.definition.reevaluations");
    reevaluationFailures = registry.counter("profiler.definition.reevaluations.failed");
    registry.gauge("profiler.timers.backlog", timerBacklog);
    punctuations = registry.timer("profiler.punctuations");
  }

  void skipped(String reason) {
    registry.counter("profiler.events.skipped", "reason", reason).increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
