package io.visitorprofiler.profiler.rules;

import java.util.List;

/** A condition that does not compile, with every error and its position in the condition. */
public final class RuleCompileException extends Exception {
  /** One error: 1-based line and column in the condition text. */
  public record Problem(int line, int column, String message) {
    @Override
    public String toString() {
      return line + ":" + column + ": " + message;
    }
  }

  private final List<Problem> problems;

  public RuleCompileException(String display, List<Problem> problems) {
    super(display);
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
