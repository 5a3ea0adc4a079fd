package io.visitorprofiler.runtime.health;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The health checks of a service, by name: ready when every required check is up. An informational
 * check (a side feature's) is shown with the others but does not decide readiness.
 */
public final class ServiceHealth {
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
  private final Set<String> informational = new HashSet<>();

  /** A check readiness requires. */
  public synchronized ServiceHealth add(String name, HealthCheck check) {
    checks.put(name, check);
    informational.remove(name);
    return this;
  }

  /** A check shown on readiness without deciding it: the service does its main work without. */
  public synchronized ServiceHealth addInformational(String name, HealthCheck check) {
    checks.put(name, check);
    informational.add(name);
    return this;
  }

  /**
   * Runs every check; a check that throws counts as down, named by its exception's class only
   * (messages can carry URLs and values, and readiness answers without a token).
   */
  public synchronized Map<String, HealthStatus> evaluate() {
    Map<String, HealthStatus> result = new LinkedHashMap<>();
    checks.forEach(
        (name, check) -> {
          HealthStatus status;
          try {
            status = check.check();
          } catch (RuntimeException e) {
            status = HealthStatus.down(e.getClass().getSimpleName());
          }
          result.put(name, status);
        });
    return result;
  }

  /** Whether every required check of {@code statuses} (from {@link #evaluate}) is up. */
  public synchronized boolean ready(Map<String, HealthStatus> statuses) {
    return statuses.entrySet().stream()
        .allMatch(e -> informational.contains(e.getKey()) || e.getValue().up());
  }
}
