package io.visitorprofiler.schemas.registry;

import java.util.Optional;

/**
 * The registry refused a request or could not be reached. The message names the registry, the
 * request and what went wrong.
 */
public final class SchemaRegistryException extends RuntimeException {
  private final int status;
  private final int errorCode;
  private final boolean notARegistry;

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    this(message, status, errorCode, cause, false);
  }

  private SchemaRegistryException(
      String message, int status, int errorCode, Throwable cause, boolean notARegistry) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
    this.notARegistry = notARegistry;
  }

  /**
   * What answered at the registry's URL is no registry: a success whose body is not JSON (a proxy's
   * or a sign-in page, a wrong base path) or not a registry's answer.
   */
  static SchemaRegistryException notARegistry(String message, int status, Throwable cause) {
    return new SchemaRegistryException(message, status, 0, cause, true);
  }

  /** The HTTP status, or 0 when the registry did not answer. */
  public int status() {
    return status;
  }

  /** The registry's own error code (40401 subject not found, 42201 invalid schema), or 0. */
  public int errorCode() {
    return errorCode;
  }

  /** True when the registry did not answer or answered with a server error: worth asking again. */
  public boolean retriable() {
    return status == 0 || status >= 500 || status == 429;
  }

  /**
   * True when the failure is the registry's or its configuration's, not a record's: it did not
   * answer, answered 5xx or 429, refused this client (401, 403: a rotated password), or is no
   * registry at that URL (a 404 without a registry error code, or a success that is not JSON: a
   * wrong base path, a proxy's page). Every record would fail the same way, so such a failure is
   * waited out, not dead-lettered record by record. A 404 with the registry's own code (40403: no
   * schema with the record's id) is the record's.
   */
  public boolean registryWide() {
    return retriable()
        || status == 401
        || status == 403
        || (status == 404 && errorCode == 0)
        || notARegistry;
  }

  /**
   * Whether a failure, however wrapped (a serde's SerializationException, a StreamsException), is
   * {@link #registryWide}: an outage to wait out, not a bad record.
   */
  public static boolean isOutage(Throwable failure) {
    return in(failure).map(SchemaRegistryException::registryWide).orElse(false);
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
