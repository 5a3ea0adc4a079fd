package io.visitorprofiler.demo;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The foreground of {@code ./vp demo}: serves the demo shop, sends simulated visitors through the
 * running stack's gateway, and shows a progress line of visitors, events/s, segment changes and
 * agent alerts until Ctrl-C. With {@code --exit-when-complete} it ends by itself, with exit code 0
 * once every segment of the site has had an entry and an agent alert, 1 when the timeout passes
 * first (the system test's use).
 */
public final class DemoMain {
  private DemoMain() {}

  record Settings(
      URI gateway,
      URI profiler,
      URI notifier,
      int shopPort,
      String siteId,
      String writeKey,
      String adminToken,
      String agentId,
      String agentToken,
      int visitors,
      long seed,
      Map<String, Object> kafka,
      String registryUrl) {

    static Settings fromEnv(EnvConfig env) {
      return new Settings(
          URI.create(env.string("VP_DEMO_GATEWAY_URL", "http://127.0.0.1:8080")),
          URI.create(env.string("VP_DEMO_PROFILER_URL", "http://127.0.0.1:8060")),
          URI.create(env.string("VP_DEMO_NOTIFIER_URL", "http://127.0.0.1:8090")),
          env.integer("VP_DEMO_SHOP_PORT", 8088, 1, 65535),
          env.string("VP_DEMO_SITE", "demo"),
          env.string("VP_DEMO_WRITE_KEY", "demo-key"),
          env.string("VP_ADMIN_TOKEN", "demo-admin"),
          env.string("VP_DEMO_AGENT", "agent-1"),
          env.string("VP_DEMO_AGENT_TOKEN", "demo-agent"),
          env.integer("VP_DEMO_VISITORS", 24, 1, 10_000),
          env.integer("VP_DEMO_SEED", 20261122, 0, Integer.MAX_VALUE),
          KafkaClientProperties.fromEnv(env),
          env.string("VP_SCHEMA_REGISTRY_URL", SchemaRegistryConfig.LOCAL_URL));
    }

    String shopUrl() {
      return "http://127.0.0.1:" + shopPort;
    }
  }

  public static void main(String[] args) throws Exception {
    boolean exitWhenComplete = false;
    Duration timeout = Duration.ofMinutes(3);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--exit-when-complete" -> exitWhenComplete = true;
        case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
        default -> {
          System.err.println("usage: demo [--exit-when-complete] [--timeout SECONDS]");
          System.exit(2);
        }
      }
    }
    Settings settings;
    try {
      settings = Settings.fromEnv(EnvConfig.fromSystem());
    } catch (ConfigException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(settings, exitWhenComplete, timeout));
  }

  static int run(Settings settings, boolean exitWhenComplete, Duration timeout)
      throws InterruptedException {
    Map<String, String> segments;
    try {
      segments =
          DemoMonitor.segmentsOf(settings.profiler(), settings.adminToken(), settings.siteId());
    } catch (IOException e) {
      System.err.println("demo: cannot read the segments from profiler-streams: " + e.getMessage());
      return 2;
    }
    if (segments.isEmpty()) {
      System.err.println(
          "demo: site "
              + settings.siteId()
              + " has no segments; apply some: ./vp segments apply -f deploy/demo/segments.yaml");
      return 2;
    }
    GatewayClient gateway =
        new GatewayClient(settings.gateway(), settings.shopUrl(), settings.writeKey());
    DemoMonitor monitor =
        new DemoMonitor(
            segments,
            settings.kafka(),
            settings.registryUrl(),
            settings.notifier(),
            settings.agentId(),
            settings.agentToken());
    try {
      monitor.start();
    } catch (RuntimeException e) {
      System.err.println("demo: cannot read " + DemoMonitor.CHANGES_TOPIC + ": " + e.getMessage());
      return 2;
    }
    ServiceHttpServer shop =
        ServiceHttpServer.start(
            "demo-shop",
            new HttpSettings("127.0.0.1", settings.shopPort()),
            new ServiceHealth(),
            ServiceMetrics.create("demo-shop"),
            List.of(
                new DemoShop(
                    settings.gateway().toString(), settings.siteId(), settings.writeKey())));

    Simulation simulation =
        new Simulation(
            gateway, settings.siteId(), settings.shopUrl(), settings.visitors(), settings.seed());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulation.close();
                  monitor.close();
                  shop.close();
                  stopped.countDown();
                },
                "demo-stop"));

    System.out.printf(
        """
        Visitor Profiler demo: %d simulated visitors at a time on the demo shop, %d segments of site %s.
          Agent console  %s   (sign in as %s, token %s)
          Demo shop      %s/   (click through it and watch yourself in the console)
          Segment history and transcripts: the console's history panel
        Ctrl-C stops the demo and everything ./vp demo started.
        %n""",
        settings.visitors(),
        segments.size(),
        settings.siteId(),
        settings.notifier(),
        settings.agentId(),
        settings.agentToken(),
        settings.shopUrl());
    simulation.start();

    boolean terminal = System.console() != null;
    long start = System.nanoTime();
    long lastEvents = 0;
    long lastTick = start;
    long lastPrinted = 0;
    boolean announced = false;
    while (stopped.getCount() > 0) {
      Thread.sleep(1000);
      long now = System.nanoTime();
      long events = gateway.eventsAccepted.sum();
      double rate = (events - lastEvents) * 1e9 / Math.max(1, now - lastTick);
      lastEvents = events;
      lastTick = now;
      long seconds = (now - start) / 1_000_000_000L;
      SimulationStats stats = simulation.stats();
      String line =
          String.format(
              Locale.ROOT,
              "%4ds  visitors %3d on site / %4d  |  %5.1f events/s (%d)  |  segment changes %5d  |"
                  + "  alerts %5d  |  invitations %3d (%d accepted)  |  segments %d/%d",
              seconds,
              stats.onSite.get(),
              stats.visitors.sum(),
              rate,
              events,
              monitor.changes(),
              monitor.alerts(),
              stats.invitations.sum(),
              stats.invitationsAccepted.sum(),
              monitor.segmentsComplete(),
              monitor.segmentCount());
      if (terminal) {
        System.out.print("\r" + line);
      } else if (seconds - lastPrinted >= 10) {
        System.out.println(line);
        lastPrinted = seconds;
      }
      if (!announced && monitor.segmentsComplete() == monitor.segmentCount()) {
        announced = true;
        System.out.printf(
            "%n%nEvery segment has had a visitor enter it and an agent alert after %d s:%n%s%n",
            seconds, monitor.table());
        if (exitWhenComplete) {
          return 0; // the shutdown hook stops the visitors, the monitor and the shop
        }
      }
      if (exitWhenComplete && seconds >= timeout.toSeconds()) {
        System.out.printf(
            "%n%nNot every segment had an entry and an alert within %d s:%n%s%n",
            timeout.toSeconds(), monitor.table());
        return 1;
      }
    }
    return 0;
  }
}
