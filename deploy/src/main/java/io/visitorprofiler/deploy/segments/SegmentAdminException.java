package io.visitorprofiler.deploy.segments;

/** The profiler's admin API could not be used (unreachable, token refused, unexpected answer). */
final class SegmentAdminException extends RuntimeException {
  SegmentAdminException(String message) {
    super(message);
  }
}
