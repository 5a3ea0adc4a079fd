package io.visitorprofiler.runtime.http;

/**
 * The header with which a service that merges the answers of its instances (profiler-streams'
 * online visitors) names the instances that did not answer, host:port and comma-separated, so that
 * a caller (the notifier's console) knows the answer is partial. Absent when every instance
 * answered.
 */
public final class UnansweredInstances {
  public static final String HEADER = "VP-Unanswered-Instances";

  private UnansweredInstances() {}
}
