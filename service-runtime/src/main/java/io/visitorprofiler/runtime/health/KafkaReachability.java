package io.visitorprofiler.runtime.health;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers, checked in the background every {@code interval} (a cluster
 * description with a short timeout): a consumer's poll or a producer's send says nothing until it
 * times out. Readiness uses it, and the gateway's ingest API answers 503 at once while the cluster
 * is known to be unreachable instead of holding requests until they time out.
 */
public final class KafkaReachability implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaReachability.class);

  private final Admin admin;
  private final Duration timeout;
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("kafka-reachability").unstarted(r));
  private volatile HealthStatus status = HealthStatus.down("not checked yet");

  public KafkaReachability(Admin admin, Duration interval, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
    schedule.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    HealthStatus next;
    try {
      int brokers =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
              .nodes()
              .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
              .size();
      next = HealthStatus.up(brokers + " broker(s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      next = HealthStatus.down("Kafka unreachable: " + e.getClass().getSimpleName());
    }
    if (next.up() != status.up()) {
      log.info("Kafka {}", next.up() ? "reachable again" : "unreachable");
    }
    status = next;
  }

  public boolean reachable() {
    return status.up();
  }

  @Override
  public HealthStatus check() {
    return status;
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
