package io.visitorprofiler.deploy.topics;

/** The cluster refused or did not answer a request; the cause is Kafka's own error. */
public final class TopicReconciliationException extends RuntimeException {
  public TopicReconciliationException(String message, Throwable cause) {
    super(message, cause);
  }
}
