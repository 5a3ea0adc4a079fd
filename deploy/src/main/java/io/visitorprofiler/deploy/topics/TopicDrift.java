package io.visitorprofiler.deploy.topics;

/**
 * A difference between the catalogue and the cluster.
 *
 * @param fixable whether {@code --fix} may change it in place (topic configs); partition counts and
 *     replication factors are never changed automatically, because that moves keys or data
 */
public record TopicDrift(
    String topic, String property, String expected, String actual, boolean fixable) {

  public String describe() {
    return property + ": expected " + expected + ", found " + actual;
  }
}
