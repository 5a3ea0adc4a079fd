package io.visitorprofiler.demo;

import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps about {@code concurrency} simulated visitors on the shop, each on a virtual thread running
 * its persona's script. The first visitor of every persona starts at once, so every sample segment
 * is reached early; after that personas are drawn by weight.
 */
final class Simulation implements AutoCloseable {
  private final GatewayClient gateway;
  private final String siteId;
  private final String shopUrl;
  private final int concurrency;
  private final Random random;
  private final SimulationStats stats = new SimulationStats();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private Thread arrivals;

  Simulation(GatewayClient gateway, String siteId, String shopUrl, int concurrency, long seed) {
    this.gateway = gateway;
    this.siteId = siteId;
    this.shopUrl = shopUrl;
    this.concurrency = concurrency;
    this.random = new Random(seed);
  }

  SimulationStats stats() {
    return stats;
  }

  void start() {
    arrivals = Thread.ofPlatform().daemon().name("demo-arrivals").start(this::arrive);
  }

  private void arrive() {
    try {
      for (Persona persona : Persona.ALL) {
        startVisitor(persona, true);
        Thread.sleep(300);
      }
      while (running.get()) {
        if (stats.onSite.get() < concurrency) {
          startVisitor(draw(), false);
        }
        Thread.sleep(500 + random.nextInt(1500));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Persona draw() {
    int total = Persona.ALL.stream().mapToInt(Persona::weight).sum();
    int pick = random.nextInt(total);
    for (Persona persona : Persona.ALL) {
      pick -= persona.weight();
      if (pick < 0) {
        return persona;
      }
    }
    throw new IllegalStateException("weights");
  }

  private void startVisitor(Persona persona, boolean first) {
    String visitorId = "v-demo-" + UUID.randomUUID().toString().substring(0, 12);
    SimulatedVisitor visitor =
        new SimulatedVisitor(
            visitorId, siteId, shopUrl, persona, gateway, new Random(random.nextLong()), stats);
    stats.visitors.increment();
    stats.onSite.incrementAndGet();
    Thread.ofVirtual()
        .name("visitor-" + visitorId)
        .start(
            () -> {
              try {
                persona.script().run(visitor, first);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                System.err.println("demo: visitor " + persona.name() + " failed: " + e);
              } finally {
                visitor.leave();
                stats.onSite.decrementAndGet();
              }
            });
  }

  @Override
  public void close() {
    running.set(false);
    if (arrivals != null) {
      arrivals.interrupt();
    }
  }
}
