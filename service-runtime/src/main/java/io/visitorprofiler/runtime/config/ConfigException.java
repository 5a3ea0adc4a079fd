package io.visitorprofiler.runtime.config;

/** A setting is missing or malformed; the message names the variable and what is allowed. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
