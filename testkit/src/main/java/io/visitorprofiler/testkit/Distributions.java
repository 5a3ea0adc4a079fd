package io.visitorprofiler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Finds the third-party distributions that the deploy module unpacks into {@code .vp/dist}. The
 * build passes the folder as the {@code vp.dist.dir} system property.
 */
public final class Distributions {
  private Distributions() {}

  public static Path distDir() {
    String configured = System.getProperty("vp.dist.dir");
    Path dir =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.dir")).resolve("../.vp/dist").normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "no distributions at "
              + dir
              + ": build the deploy module first (./vp test does, or ./mvnw -pl deploy package)");
    }
    return dir;
  }

  /** The runnable jar of Apicurio Registry. */
  public static Path apicurioRunnerJar() {
    try (Stream<Path> dirs = Files.list(distDir())) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("apicurio-registry-"))
          .flatMap(Distributions::runnerJars)
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no Apicurio Registry runner jar under "
                          + distDir()
                          + ": build the deploy module first (./mvnw -pl deploy package)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<Path> runnerJars(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
