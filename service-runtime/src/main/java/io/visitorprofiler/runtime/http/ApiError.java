package io.visitorprofiler.runtime.http;

import java.util.List;

/** The body of every error answer: a message, and for validation failures one entry per problem. */
public record ApiError(String error, List<Problem> problems) {
  /** One thing wrong with a request, such as a field of an event or a position in a rule. */
  public record Problem(String where, String message) {}

  public static ApiError of(String error) {
    return new ApiError(error, List.of());
  }
}
