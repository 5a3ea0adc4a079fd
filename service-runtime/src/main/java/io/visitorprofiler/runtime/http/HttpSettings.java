package io.visitorprofiler.runtime.http;

import io.visitorprofiler.runtime.config.EnvConfig;

/** Where a service listens: {@code VP_HTTP_HOST} (127.0.0.1) and {@code VP_HTTP_PORT}. */
public record HttpSettings(String host, int port) {
  public static HttpSettings fromEnv(EnvConfig env, int defaultPort) {
    return new HttpSettings(
        env.string("VP_HTTP_HOST", "127.0.0.1"),
        env.integer("VP_HTTP_PORT", defaultPort, 0, 65535));
  }
}
