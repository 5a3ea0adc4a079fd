package io.visitorprofiler.schemas.serde;

/** The topic-name subject strategy: {@code <topic>-value} and {@code <topic>-key}. */
public final class Subjects {
  private Subjects() {}

  public static String of(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
