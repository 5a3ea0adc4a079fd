package io.visitorprofiler.profiler.state;

import io.visitorprofiler.schemas.VisitorProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The most recently seen of a site's online visitors in one instance's stores, for the agent
 * console. The online index is ordered by key ({@code siteId/visitorId}) and holds the time a
 * visitor came online, not their last event (it is written when they come online or go offline, not
 * on every event), so every online visitor's profile is read: the cost is the site's online
 * visitors in this instance, one state-store read each.
 */
public final class NewestOnline {
  /** Most recent first; of equal last-seen times, the smaller visitor id first. */
  static final Comparator<VisitorProfile> NEWEST_FIRST =
      Comparator.comparing(VisitorProfile::getLastSeen)
          .reversed()
          .thenComparing(VisitorProfile::getVisitorId);

  private NewestOnline() {}

  /** At most {@code limit} of the site's online visitors with a profile, most recent first. */
  public static List<VisitorProfile> of(
      ReadOnlyKeyValueStore<String, Long> online,
      ReadOnlyKeyValueStore<String, VisitorProfile> profiles,
      String siteId,
      int limit) {
    // The oldest of those kept at the head, so each visitor seen more recently replaces it.
    PriorityQueue<VisitorProfile> newest = new PriorityQueue<>(NEWEST_FIRST.reversed());
    try (KeyValueIterator<String, Long> range =
        online.prefixScan(siteId + "/", new StringSerializer())) {
      while (range.hasNext()) {
        String key = range.next().key;
        VisitorProfile profile = profiles.get(key.substring(key.indexOf('/') + 1));
        if (profile == null || !profile.getProfilingAllowed()) {
          continue;
        }
        newest.add(profile);
        if (newest.size() > limit) {
          newest.poll();
        }
      }
    }
    List<VisitorProfile> found = new ArrayList<>(newest);
    found.sort(NEWEST_FIRST);
    return found;
  }
}
