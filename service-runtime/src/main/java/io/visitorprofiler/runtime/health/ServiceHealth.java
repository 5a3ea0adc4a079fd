package io.visitorprofiler.runtime.health;

import java.util.LinkedHashMap;
import java.util.Map;

/** The readiness checks of a service, by name; ready when every check is up. */
public final class ServiceHealth {
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();

  public synchronized ServiceHealth add(String name, HealthCheck check) {
    checks.put(name, check);
    return this;
  }

  /** Runs every check; a check that throws counts as down. */
  public synchronized Map<String, HealthStatus> evaluate() {
    Map<String, HealthStatus> result = new LinkedHashMap<>();
    checks.forEach(
        (name, check) -> {
          HealthStatus status;
          try {
            status = check.check();
          } catch (RuntimeException e) {
            status = HealthStatus.down(e.getClass().getSimpleName() + ": " + e.getMessage());
          }
          result.put(name, status);
        });
    return result;
  }

  public static boolean allUp(Map<String, HealthStatus> statuses) {
    return statuses.values().stream().allMatch(HealthStatus::up);
  }
}
