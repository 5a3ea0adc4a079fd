package io.visitorprofiler.runtime.health;

/** Whether a check passes, with a short detail for operators. */
public record HealthStatus(boolean up, String detail) {
  public static HealthStatus up(String detail) {
    return new HealthStatus(true, detail);
  }

  public static HealthStatus down(String detail) {
    return new HealthStatus(false, detail);
  }
}
