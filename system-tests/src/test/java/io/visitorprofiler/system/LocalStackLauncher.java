package io.visitorprofiler.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ./vp} of this checkout against a stack of its own: state in a temporary folder and
 * every port from a block that was free, so a developer's running stack is not touched. Ports of
 * the block: brokers at base, base+2, base+4 (controllers +1), then registry, profiler instances,
 * gateway, sink, notifier and the demo shop.
 */
final class LocalStackLauncher {
  record Result(int exitCode, String output) {}

  private static final int BLOCK = 16;

  private final Path state;
  private final int base;
  private final Map<String, String> env = new LinkedHashMap<>();

  LocalStackLauncher(Path state, Map<String, String> settings) throws IOException {
    this.state = state;
    this.base = freeBlock();
    env.put("VP_STATE_DIR", state.toString());
    env.put("VP_LOCAL_KAFKA_PORT", String.valueOf(kafkaPort(1)));
    env.put("VP_LOCAL_CONTROLLER_PORT", String.valueOf(kafkaPort(1) + 1));
    env.put("VP_LOCAL_REGISTRY_PORT", String.valueOf(registryPort()));
    env.put("VP_LOCAL_PROFILER_PORT", String.valueOf(profilerPort(1)));
    env.put("VP_LOCAL_GATEWAY_PORT", String.valueOf(gatewayPort()));
    env.put("VP_LOCAL_SINK_PORT", String.valueOf(sinkPort()));
    env.put("VP_LOCAL_NOTIFIER_PORT", String.valueOf(notifierPort()));
    env.put("VP_LOCAL_SHOP_PORT", String.valueOf(base + 15));
    env.putAll(settings);
  }

  int kafkaPort(int node) {
    return base + 2 * (node - 1);
  }

  String bootstrapServers(int brokers) {
    List<String> servers = new ArrayList<>();
    for (int n = 1; n <= brokers; n++) {
      servers.add("127.0.0.1:" + kafkaPort(n));
    }
    return String.join(",", servers);
  }

  int registryPort() {
    return base + 6;
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registryPort() + "/apis/ccompat/v7";
  }

  int profilerPort(int instance) {
    return base + 7 + (instance - 1);
  }

  int gatewayPort() {
    return base + 11;
  }

  int sinkPort() {
    return base + 12;
  }

  int notifierPort() {
    return base + 13;
  }

  /** The pid ./vp recorded for a component (kafka, kafka-2, profiler-2, ...). */
  long pid(String component) throws IOException {
    return Long.parseLong(Files.readString(state.resolve("run/" + component + ".pid")).trim());
  }

  /** SIGKILL, as a crash or an OOM killer would: no shutdown hook runs. */
  void kill(String component) throws Exception {
    long pid = pid(component);
    Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -KILL " + pid + " (" + component + ") failed");
    }
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
  }

  Result vp(Duration timeout, String... args) throws Exception {
    Path script = Path.of(System.getProperty("vp.project.dir", "..")).resolve("vp");
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("VP_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("./vp " + String.join(" ", args) + " did not finish in " + timeout);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /**
   * A block of free ports below the kernel's ephemeral range: a port inside that range can be taken
   * by any outgoing connection between this check and the moment a component binds it (a CI run
   * lost the notifier's port that way).
   */
  static int freeBlock() throws IOException {
    int ephemeralLow = 32_768;
    try {
      ephemeralLow =
          Integer.parseInt(
              Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                  .trim()
                  .split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual lower bound
    }
    java.util.Random random = new java.util.Random();
    int low = 20_000;
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = low + random.nextInt(Math.max(1, ephemeralLow - BLOCK - low));
      if (allFree(candidate, BLOCK)) {
        return candidate;
      }
    }
    throw new IOException(
        "no block of " + BLOCK + " free ports on 127.0.0.1 below " + ephemeralLow);
  }

  private static boolean allFree(int from, int count) {
    for (int port = from; port < from + count; port++) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
