package io.visitorprofiler.profiler.http;

import io.visitorprofiler.schemas.VisitorProfile;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One instance's visitors for the HTTP tests: its online profiles (served newest first, as the
 * state store's query is) and the other instances it knows of.
 */
record InMemoryVisitors(List<VisitorProfile> online, List<String> others)
    implements VisitorQueries {
  @Override
  public Optional<VisitorProfile> localProfile(String visitorId) {
    return Optional.empty();
  }

  @Override
  public Optional<String> remoteOwner(String visitorId) {
    return Optional.empty();
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
