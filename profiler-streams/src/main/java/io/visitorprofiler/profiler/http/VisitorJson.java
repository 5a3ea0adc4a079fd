package io.visitorprofiler.profiler.http;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileView;
import io.visitorprofiler.profiler.segment.SegmentChangeFactory;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A visitor as the query API shows it: the profile exactly as segment rules see it now, the
 * segments the visitor is in, and the top three badges.
 */
public record VisitorJson(
    String visitorId,
    String siteId,
    boolean online,
    Instant lastSeen,
    List<Badge> topSegments,
    List<MembershipJson> memberships,
    Map<String, Object> profile) {

  /** A segment badge. */
  public record Badge(String segmentId, String name, String label, String color, int priority) {
    static Badge of(SegmentBadge b) {
      return new Badge(b.getSegmentId(), b.getName(), b.getLabel(), b.getColor(), b.getPriority());
    }
  }

  /** A segment the visitor is in, since when, by which rule version. */
  public record MembershipJson(String segmentId, long version, Instant enteredAt) {}

  static VisitorJson of(
      VisitorProfile p, SegmentRuleBook.Snapshot rules, ProfileSettings settings, Instant now) {
    Map<String, Object> view = ProfileView.of(p, now.toEpochMilli(), settings);
    return new VisitorJson(
        p.getVisitorId(),
        p.getSiteId(),
        (Boolean) view.get("online"),
        p.getLastSeen(),
        SegmentChangeFactory.topSegments(p, rules).stream().map(Badge::of).toList(),
        p.getMemberships().stream()
            .map(m -> new MembershipJson(m.getSegmentId(), m.getVersion(), m.getEnteredAt()))
            .toList(),
        view);
  }
}
