package io.visitorprofiler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Apicurio Registry for a test class, on a free loopback port: {@code @RegisterExtension
 * static final SchemaRegistryExtension registry = new SchemaRegistryExtension();}
 */
public final class SchemaRegistryExtension implements BeforeAllCallback, AfterAllCallback {
  private ApicurioRegistryProcess registry;

  @Override
  public void beforeAll(ExtensionContext context) {
    int port = freePort();
    Path log =
        Path.of("target", "registry-logs", context.getRequiredTestClass().getSimpleName() + ".log");
    registry = ApicurioRegistryProcess.start(port, log.toAbsolutePath());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (registry != null) {
      registry.stop();
      registry = null;
    }
  }

  /** Base URL of the Confluent-compatible API, as serdes and clients are configured. */
  public String url() {
    return process().confluentApiUrl();
  }

  /** Stops the registry, to test an outage; {@link #start()} brings it back on the same port. */
  public void stop() {
    process().stop();
  }

  public void start() {
    process().start();
  }

  private ApicurioRegistryProcess process() {
    if (registry == null) {
      throw new IllegalStateException("the registry runs only between beforeAll and afterAll");
    }
    return registry;
  }

  /** A port that was free a moment ago on 127.0.0.1. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
