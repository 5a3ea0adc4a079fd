package io.visitorprofiler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apicurio Registry from its Maven Central distribution, run as a child process bound to 127.0.0.1
 * with in-memory storage. It serves the Confluent Schema Registry API under {@code
 * /apis/ccompat/v7}.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path runnerJar;
  private final int port;
  private final Path logFile;
  private Process process;

  private ApicurioRegistryProcess(Path runnerJar, int port, Path logFile) {
    this.runnerJar = runnerJar;
    this.port = port;
    this.logFile = logFile;
  }

  /** Starts the registry and returns once its Confluent API answers. */
  public static ApicurioRegistryProcess start(int port, Path logFile) {
    ApicurioRegistryProcess registry =
        new ApicurioRegistryProcess(Distributions.apicurioRunnerJar(), port, logFile);
    registry.start();
    return registry;
  }

  /** Starts (again) on the same port, for tests of an outage and recovery. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-Xmx384m",
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.log.level=WARN",
            "-jar",
            runnerJar.toString());
    try {
      Files.createDirectories(logFile.getParent());
      process =
          new ProcessBuilder(command)
              .directory(runnerJar.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio Registry: " + command, e);
    }
    Process started = process;
    // A JVM that dies without calling stop() (a killed benchmark, a failed fork) takes it along.
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "apicurio-stop"));
    awaitReady();
  }

  /** The base URL of the Confluent-compatible API. */
  public String confluentApiUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  /** Stops the process: politely, then by force. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
            .timeout(Duration.ofSeconds(2))
            .build();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with "
                + process.exitValue()
                + "; last log lines:\n"
                + tail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
    }
    stop();
    throw new IllegalStateException(
        "Apicurio Registry not ready within " + READY_TIMEOUT.toSeconds() + " s:\n" + tail());
  }

  private String tail() {
    try (Stream<String> lines = Files.lines(logFile)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException e) {
      return "(no log at " + logFile + ")";
    }
  }
}
