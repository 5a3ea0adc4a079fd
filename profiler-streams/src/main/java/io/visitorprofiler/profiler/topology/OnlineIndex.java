package io.visitorprofiler.profiler.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The visitors online now, keyed {@code siteId/visitorId} with their last-seen time: what a
 * definition change re-evaluates and what the agent console lists, without touching offline
 * profiles.
 */
final class OnlineIndex {
  private final KeyValueStore<String, Long> store;

  OnlineIndex(KeyValueStore<String, Long> store) {
    this.store = store;
  }

  static String key(String siteId, String visitorId) {
    return siteId + "/" + visitorId;
  }

  void online(String siteId, String visitorId, long lastSeen) {
    store.put(key(siteId, visitorId), lastSeen);
  }

  void offline(String siteId, String visitorId) {
    store.delete(key(siteId, visitorId));
  }

  /** Every online visitor id of this task. */
  List<String> visitorIds() {
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = store.all()) {
      all.forEachRemaining(kv -> ids.add(kv.key.substring(kv.key.indexOf('/') + 1)));
    }
    return ids;
  }
}
