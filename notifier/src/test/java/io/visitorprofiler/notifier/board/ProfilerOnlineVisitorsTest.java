package io.visitorprofiler.notifier.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profiler's online visitors as console rows, merged with what segment changes showed. */
class ProfilerOnlineVisitorsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:10:00Z");

  @Test
  void aVisitorOfTheProfilerBecomesARow() throws Exception {
    String json =
        """
        {"visitorId": "v-123456789", "siteId": "demo", "online": true,
         "lastSeen": "2026-11-22T10:09:55Z",
         "topSegments": [{"segmentId": "vip", "name": "VIP", "label": "VIP", "color": "#6a1b9a", "priority": 90}],
         "memberships": [],
         "profile": {"visit": {"currentUrl": "https://shop.test/cart", "secondsOnSite": 300},
                     "geo": {"city": "Miami", "country": "US"},
                     "cart": {"value": 24.0}, "identity": {"name": ""}}}
        """;
    VisitorBoard.Row row = ProfilerOnlineVisitors.row(new ObjectMapper().readTree(json), NOW);
    assertThat(row.label()).isEqualTo("Visitor 456789");
    assertThat(row.badges()).extracting(VisitorBoard.Badge::color).containsExactly("#6a1b9a");
    assertThat(row.currentUrl()).isEqualTo("https://shop.test/cart");
    assertThat(row.city()).isEqualTo("Miami");
    assertThat(row.cartValue()).isEqualTo(24.0);
    assertThat(row.firstSeen()).isEqualTo(NOW.minusSeconds(300));
    assertThat(row.lastChangeAt()).isEqualTo(Instant.parse("2026-11-22T10:09:55Z"));
  }

  @Test
  void theProfilersRowsWinAndChangeOnlyVisitorsStay() {
    VisitorBoard board = new VisitorBoard(Duration.ofMinutes(30));
    VisitorBoard.Row fromProfiler =
        new VisitorBoard.Row(
            "demo", "v-1", "Ada", List.of(), "https://shop.test/new", null, null, null, NOW, NOW);
    assertThat(board.merged(List.of(fromProfiler))).containsExactly(fromProfiler);
  }
}
