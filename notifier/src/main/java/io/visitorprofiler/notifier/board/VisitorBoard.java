package io.visitorprofiler.notifier.board;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The console's live list: every visitor with a segment change in the last {@code window}, with
 * their current top three segments (as the profiler computed them with the change) and the snapshot
 * of the change. Bounded: idle visitors drop out.
 */
public final class VisitorBoard {
  /** A row of the list. */
  public record Row(
      String siteId,
      String visitorId,
      String label,
      List<Badge> badges,
      String currentUrl,
      String city,
      String country,
      Double cartValue,
      Instant firstSeen,
      Instant lastChangeAt) {}

  /** A segment badge in its colour. */
  public record Badge(String segmentId, String name, String label, String color, int priority) {}

  private final Cache<String, Row> rows;

  public VisitorBoard(Duration window) {
    this.rows = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
  }

  public void accept(SegmentChange change) {
    String key = change.getSiteId() + '\u0000' + change.getVisitorId();
    rows.asMap()
        .compute(
            key,
            (k, previous) -> {
              if (previous != null && previous.lastChangeAt().isAfter(change.getCauseEventTime())) {
                return previous;
              }
              ProfileSnapshot s = change.getSnapshot();
              List<Badge> badges =
                  change.getTopSegments().stream().map(VisitorBoard::badge).toList();
              return new Row(
                  change.getSiteId(),
                  change.getVisitorId(),
                  s != null && s.getName() != null ? s.getName() : anonymous(change.getVisitorId()),
                  badges,
                  s == null ? null : s.getCurrentUrl(),
                  s == null ? null : s.getCity(),
                  s == null ? null : s.getCountry(),
                  s == null ? null : s.getCartValue(),
                  previous == null ? change.getCauseEventTime() : previous.firstSeen(),
                  change.getCauseEventTime());
            });
  }

  private static Badge badge(SegmentBadge b) {
    return new Badge(b.getSegmentId(), b.getName(), b.getLabel(), b.getColor(), b.getPriority());
  }

  static String anonymous(String visitorId) {
    return "Visitor "
        + (visitorId.length() > 6 ? visitorId.substring(visitorId.length() - 6) : visitorId);
  }

  /**
   * The profiler's online visitors (complete, fresh) with the visitors only the segment changes
   * know about added, most recent first.
   */
  public List<Row> merged(List<Row> online) {
    java.util.Map<String, Row> byVisitor = new java.util.LinkedHashMap<>();
    for (Row row : rows.asMap().values()) {
      byVisitor.put(row.siteId() + '\u0000' + row.visitorId(), row);
    }
    for (Row row : online) {
      byVisitor.put(row.siteId() + '\u0000' + row.visitorId(), row);
    }
    return byVisitor.values().stream()
        .sorted(Comparator.comparing(Row::lastChangeAt).reversed())
        .limit(500)
        .toList();
  }
}
