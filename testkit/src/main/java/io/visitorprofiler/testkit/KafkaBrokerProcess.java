package io.visitorprofiler.testkit;

import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicReconciler;
import io.visitorprofiler.deploy.topics.TopicReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker run as its own process from Apache Kafka's jars (the ones the deploy
 * module copies to {@code .vp/dist/kafka-<version>/libs}), on fixed loopback ports and a data
 * folder that survive a stop, so fault tests can kill the broker and start it again.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Path config;
  private final Path logFile;
  private Process process;

  private KafkaBrokerProcess(Path dataDir, int port, int controllerPort) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.config = dataDir.resolve("server.properties");
    this.logFile = dataDir.resolve("broker.log");
  }

  /** Formats the storage under {@code dataDir} and starts the broker on free ports. */
  public static KafkaBrokerProcess start(Path dataDir) {
    KafkaBrokerProcess broker =
        new KafkaBrokerProcess(
            dataDir, SchemaRegistryExtension.freePort(), SchemaRegistryExtension.freePort());
    broker.format();
    broker.start();
    return broker;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Creates every topic of deploy/topics.yaml with one replica. */
  public TopicReport createCatalogTopics() {
    TopicCatalog catalog =
        TopicCatalog.bundled(new TopicCatalog.Overrides(OptionalInt.of(1), OptionalInt.of(1)));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      return new TopicReconciler(admin, Duration.ofSeconds(30))
          .reconcile(catalog, TopicReconciler.Mode.APPLY);
    }
  }

  private void format() {
    try {
      Files.createDirectories(dataDir);
      Files.writeString(
          config,
          String.join(
              "\n",
              "process.roles=broker,controller",
              "node.id=1",
              "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
              "listeners=PLAINTEXT://127.0.0.1:"
                  + port
                  + ",CONTROLLER://127.0.0.1:"
                  + controllerPort,
              "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
              "controller.listener.names=CONTROLLER",
              "inter.broker.listener.name=PLAINTEXT",
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
              "log.dirs=" + dataDir.resolve("log"),
              "offsets.topic.replication.factor=1",
              "transaction.state.log.replication.factor=1",
              "transaction.state.log.min.isr=1",
              "share.coordinator.state.topic.replication.factor=1",
              "share.coordinator.state.topic.min.isr=1",
              "auto.create.topics.enable=false",
              "group.initial.rebalance.delay.ms=0",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            Uuid.randomUuid().toString(),
            "-c",
            config.toString()));
  }

  private void run(List<String> mainAndArgs) {
    try {
      Process tool = new ProcessBuilder(command(mainAndArgs)).redirectErrorStream(true).start();
      String output = new String(tool.getInputStream().readAllBytes());
      if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
        throw new IllegalStateException("Kafka storage format failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> command(List<String> mainAndArgs) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(libs().resolve("*").toString());
    command.addAll(mainAndArgs);
    return command;
  }

  private static Path libs() {
    try (var dirs = Files.list(Distributions.distDir())) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("kafka-"))
          .map(d -> d.resolve("libs"))
          .filter(Files::isDirectory)
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no Kafka jars under "
                          + Distributions.distDir()
                          + ": build the deploy module first (./mvnw -pl deploy package)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts (again) on the same ports and data, and returns once the broker port accepts. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(command(List.of("kafka.Kafka", config.toString())))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "kafka-stop"));
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited; see " + logFile);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        sleep(200);
      }
    }
    throw new IllegalStateException("the Kafka broker did not open its port; see " + logFile);
  }

  /** Kills the broker at once (SIGKILL), as a crash or a lost machine would. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
