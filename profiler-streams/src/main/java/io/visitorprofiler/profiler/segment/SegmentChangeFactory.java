package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.Membership;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the segment-change records of one evaluation, as DESIGN describes them. */
public final class SegmentChangeFactory {
  /** How many segments an agent sees per visitor. */
  public static final int TOP = 3;

  private SegmentChangeFactory() {}

  /**
   * @param memberRules the rules of the visitor's memberships (the evaluation's outcome)
   * @param causeEventId the event that caused the changes; for timers and definitions, the last
   *     event seen
   * @param causeTime event time of the cause (for timers, the moment the outcome changed)
   */
  public static List<SegmentChange> build(
      VisitorProfile profile,
      List<SegmentTransition> transitions,
      List<SegmentRule> memberRules,
      ChangeCause cause,
      String causeEventId,
      Instant causeTime,
      Instant emittedAt) {
    if (transitions.isEmpty()) {
      return List.of();
    }
    List<SegmentBadge> top = topSegments(memberRules);
    ProfileSnapshot snapshot = snapshot(profile);
    String causeRef =
        cause == ChangeCause.EVENT ? causeEventId : cause.name().toLowerCase(Locale.ROOT);
    String visitorId = profile.getVisitorId();
    // Every change of one evaluation shares its cause, its top three and its snapshot; the records
    // are built through their constructors (a builder per record copied and checked every field).
    String idSuffix = ":" + causeTime.toEpochMilli() + ":" + causeRef;
    List<SegmentChange> changes = new ArrayList<>(transitions.size());
    for (SegmentTransition t : transitions) {
      changes.add(
          new SegmentChange(
              visitorId
                  + ":"
                  + t.segmentId()
                  + ":"
                  + t.version()
                  + ":"
                  + t.transition().name()
                  + idSuffix,
              visitorId,
              profile.getSiteId(),
              t.segmentId(),
              t.segmentName(),
              t.version(),
              t.transition(),
              t.priority(),
              cause,
              causeEventId,
              causeTime,
              emittedAt,
              top,
              snapshot));
    }
    return changes;
  }

  /** The visitor's highest-priority segments; ties go to the smaller segment id. */
  public static List<SegmentBadge> topSegments(
      VisitorProfile profile, SegmentRuleBook.Snapshot rules) {
    List<SegmentRule> member = new ArrayList<>();
    for (Membership m : profile.getMemberships()) {
      rules.rule(m.getSegmentId()).ifPresent(member::add);
    }
    return topSegments(member);
  }

  /** The highest-priority segments of these rules; ties go to the smaller segment id. */
  public static List<SegmentBadge> topSegments(List<SegmentRule> memberRules) {
    // A selection rather than a sort: a visitor may hold dozens of memberships, three are shown.
    SegmentRule[] top = new SegmentRule[TOP];
    int size = 0;
    for (SegmentRule rule : memberRules) {
      if (size == TOP && ranksBefore(top[TOP - 1], rule)) {
        continue;
      }
      int at = size < TOP ? size++ : TOP - 1;
      while (at > 0 && ranksBefore(rule, top[at - 1])) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = rule;
    }
    List<SegmentBadge> badges = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      SegmentDefinition d = top[i].definition();
      badges.add(
          new SegmentBadge(
              d.getSegmentId(), d.getName(), d.getLabel(), d.getColor(), d.getPriority()));
    }
    return badges;
  }

  /** Higher priority first; of equal priorities, the smaller segment id. */
  static boolean ranksBefore(SegmentRule a, SegmentRule b) {
    return a.priority() != b.priority()
        ? a.priority() > b.priority()
        : a.segmentId().compareTo(b.segmentId()) < 0;
  }

  public static ProfileSnapshot snapshot(VisitorProfile p) {
    List<CartItem> items = p.getCart().getItems();
    return new ProfileSnapshot(
        p.getGeo().getCity(),
        p.getGeo().getCountry(),
        p.getVisit().getCurrentUrl(),
        items.isEmpty() ? null : p.getCart().getValue(),
        items.isEmpty() ? null : p.getCart().getCurrency(),
        p.getVisits(),
        p.getIdentity().getName());
  }
}
