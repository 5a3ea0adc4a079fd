package io.visitorprofiler.runtime.http;

import io.javalin.config.RoutesConfig;

/** A resource of a service: maps its routes to named handler methods. */
@FunctionalInterface
public interface HttpRoutes {
  void addTo(RoutesConfig routes);
}
