package io.visitorprofiler.deploy.topics;

import java.util.List;

/**
 * What a reconciliation found and did.
 *
 * @param inSync topics that match the catalogue
 * @param created topics created by this run
 * @param missing topics absent from the cluster and not created (verify mode)
 * @param drift differences left in place
 * @param fixed differences this run corrected
 * @param unmanaged topics with the catalogue's prefix that the catalogue does not list
 */
public record TopicReport(
    List<String> inSync,
    List<String> created,
    List<String> missing,
    List<TopicDrift> drift,
    List<TopicDrift> fixed,
    List<String> unmanaged) {

  /** True when the cluster now matches the catalogue. */
  public boolean clean() {
    return missing.isEmpty() && drift.isEmpty();
  }
}
