package io.visitorprofiler.deploy.topics;

/** The topic file is malformed; the message lists every problem with its place in the file. */
public final class InvalidTopicCatalogException extends RuntimeException {
  public InvalidTopicCatalogException(String message) {
    super(message);
  }
}
