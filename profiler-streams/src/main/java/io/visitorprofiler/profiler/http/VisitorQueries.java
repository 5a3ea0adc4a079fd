package io.visitorprofiler.profiler.http;

import io.visitorprofiler.schemas.VisitorProfile;
import java.util.List;
import java.util.Optional;

/** Interactive queries on the profiles this instance holds, and who holds the others. */
public interface VisitorQueries {
  Optional<VisitorProfile> localProfile(String visitorId);

  /** The {@code host:port} of the instance that owns the visitor, when it is not this one. */
  Optional<String> remoteOwner(String visitorId);

  /** At most {@code limit} of the online visitors of a site held by this instance, newest first. */
  List<VisitorProfile> localOnline(String siteId, int limit);

  /** The {@code host:port} of every other running instance. */
  List<String> otherInstances();
}
