package io.visitorprofiler.profiler.http;

import io.visitorprofiler.schemas.VisitorProfile;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One instance's visitors for the HTTP tests: its online profiles (served newest first, as the
 * state store's query is), the other instances it knows of, and the instance that owns every key
 * (empty: this one).
 */
record InMemoryVisitors(List<VisitorProfile> online, List<String> others, Optional<String> owner)
    implements VisitorQueries {
  InMemoryVisitors(List<VisitorProfile> online, List<String> others) {
    this(online, others, Optional.empty());
  }

  @Override
  public Optional<VisitorProfile> localProfile(String visitorId) {
    return Optional.empty();
  }

  @Override
  public Optional<String> remoteOwner(String visitorId) {
    return owner;
  }

  @Override
  public List<VisitorProfile> localOnline(String siteId, int limit) {
    return online.stream()
        .filter(p -> p.getSiteId().equals(siteId))
        .sorted(Comparator.comparing(VisitorProfile::getLastSeen).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public List<String> otherInstances() {
    return others;
  }
}
