package io.visitorprofiler.schemas.registry;

import java.util.Optional;

/**
 * The registry refused a request or could not be reached. The message names the registry, the
 * request and what went wrong.
 */
public final class SchemaRegistryException extends RuntimeException {
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The HTTP status, or 0 when the registry did not answer. */
  public int status() {
    return status;
  }

  /** The registry's own error code (40401 subject not found, 42201 invalid schema), or 0. */
  public int errorCode() {
    return errorCode;
  }

  /** True when the registry did not answer or answered with a server error. */
  public boolean retriable() {
    return status == 0 || status >= 500 || status == 429;
  }

  /**
   * Whether a failure, however wrapped (a serde's SerializationException, a StreamsException),
   * comes from a registry that could not be reached or answered 5xx/429 after the client's retries:
   * an outage to wait out, not a bad record.
   */
  public static boolean isOutage(Throwable failure) {
    return in(failure).map(SchemaRegistryException::retriable).orElse(false);
  }

  /**
   * The registry's failure behind {@code failure}, however wrapped (a serde's
   * SerializationException, a StreamsException): an outage or a refusal; empty for any other.
   */
  public static Optional<SchemaRegistryException> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
