package io.visitorprofiler.deploy.segments;

import java.util.List;

/** A segment file that cannot be applied, with every problem found in it. */
public final class InvalidSegmentFileException extends RuntimeException {
  private final List<String> problems;

  public InvalidSegmentFileException(String problem) {
    this(List.of(problem));
  }

  public InvalidSegmentFileException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
