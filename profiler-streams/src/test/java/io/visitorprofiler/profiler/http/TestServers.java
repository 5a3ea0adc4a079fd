package io.visitorprofiler.profiler.http;

import io.visitorprofiler.runtime.health.ServiceHealth;
import io.visitorprofiler.runtime.http.HttpRoutes;
import io.visitorprofiler.runtime.http.HttpSettings;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.metrics.ServiceMetrics;
import java.util.List;

/** The service's HTTP server with the given routes on a free loopback port, for the HTTP tests. */
final class TestServers {
  private TestServers() {}

  static ServiceHttpServer serving(HttpRoutes routes) {
    return ServiceHttpServer.start(
        "profiler-streams-test",
        new HttpSettings("127.0.0.1", 0),
        new ServiceHealth(),
        ServiceMetrics.create("profiler-streams-test"),
        List.of(routes));
  }
}
