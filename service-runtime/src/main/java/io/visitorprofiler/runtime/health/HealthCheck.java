package io.visitorprofiler.runtime.health;

/** One readiness condition of a service, such as "Kafka reachable" or "Streams RUNNING". */
@FunctionalInterface
public interface HealthCheck {
  /** The current state; must return quickly and never throw. */
  HealthStatus check();
}
