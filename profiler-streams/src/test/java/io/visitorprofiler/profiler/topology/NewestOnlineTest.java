package io.visitorprofiler.profiler.topology;

import static io.visitorprofiler.profiler.topology.Events.at;
import static io.visitorprofiler.profiler.topology.Events.pageView;
import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.state.NewestOnline;
import io.visitorprofiler.schemas.VisitorProfile;
import org.junit.jupiter.api.Test;

/** The agent console's list: the most recently seen online visitors, not the first by id. */
class NewestOnlineTest {
  @Test
  void theMostRecentlySeenComeFirstWhateverTheirIdsAndWhenTheyCameOnline() {
    try (ProfilerDriver driver = new ProfilerDriver()) {
      driver.send(pageView("v-a", at(0, 0), "/"));
      driver.send(pageView("v-b", at(0, 10), "/"));
      driver.send(pageView("v-c", at(0, 20), "/"));
      driver.send(pageView("v-d", at(0, 30), "/"));
      // v-a came online first and is the most recent now.
      driver.send(pageView("v-a", at(0, 40), "/pricing"));

      assertThat(newest(driver, "demo", 2)).containsExactly("v-a", "v-d");
      assertThat(newest(driver, "demo", 10)).containsExactly("v-a", "v-d", "v-c", "v-b");
      assertThat(newest(driver, "elsewhere", 10)).isEmpty();
    }
  }

  private static java.util.List<String> newest(ProfilerDriver driver, String site, int limit) {
    return NewestOnline.of(
            driver.driver.getKeyValueStore(ProfilerTopology.ONLINE_STORE),
            driver.driver.getKeyValueStore(ProfilerTopology.PROFILES_STORE),
            site,
            limit)
        .stream()
        .map(VisitorProfile::getVisitorId)
        .toList();
  }
}
