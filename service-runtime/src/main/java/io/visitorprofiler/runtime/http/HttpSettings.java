package io.visitorprofiler.runtime.http;

import io.visitorprofiler.runtime.config.EnvConfig;
import java.time.Duration;

/**
 * Where a service listens ({@code VP_HTTP_HOST}, 127.0.0.1, and {@code VP_HTTP_PORT}) and how it
 * stops: readiness says {@code STOPPING} for {@code VP_HTTP_DRAIN_DELAY} (0s; a few seconds behind
 * a load balancer, so it stops sending before the port closes), then the server stops accepting and
 * waits up to {@code VP_HTTP_STOP_TIMEOUT} (20s) for the requests it is answering.
 */
public record HttpSettings(String host, int port, Duration drainDelay, Duration stopTimeout) {
  public HttpSettings(String host, int port) {
    this(host, port, Duration.ZERO, Duration.ofSeconds(20));
  }

  public static HttpSettings fromEnv(EnvConfig env, int defaultPort) {
    return new HttpSettings(
        env.string("VP_HTTP_HOST", "127.0.0.1"),
        env.integer("VP_HTTP_PORT", defaultPort, 0, 65535),
        env.duration("VP_HTTP_DRAIN_DELAY", Duration.ZERO),
        env.duration("VP_HTTP_STOP_TIMEOUT", Duration.ofSeconds(20)));
  }
}
