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
import java.util.Comparator;
import java.util.List;

/** Builds the segment-change records of one evaluation, as DESIGN describes them. */
public final class SegmentChangeFactory {
  /** How many segments an agent sees per visitor. */
  public static final int TOP = 3;

  private static final Comparator<SegmentRule> BY_PRIORITY =
      Comparator.comparingInt(SegmentRule::priority)
          .reversed()
          .thenComparing(SegmentRule::segmentId);

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
    String causeRef = cause == ChangeCause.EVENT ? causeEventId : cause.name().toLowerCase();
    List<SegmentChange> changes = new ArrayList<>(transitions.size());
    for (SegmentTransition t : transitions) {
      changes.add(
          SegmentChange.newBuilder()
              .setChangeId(
                  String.join(
                      ":",
                      profile.getVisitorId(),
                      t.segmentId(),
                      String.valueOf(t.version()),
                      t.transition().name(),
                      String.valueOf(causeTime.toEpochMilli()),
                      String.valueOf(causeRef)))
              .setVisitorId(profile.getVisitorId())
              .setSiteId(profile.getSiteId())
              .setSegmentId(t.segmentId())
              .setSegmentName(t.segmentName())
              .setSegmentVersion(t.version())
              .setTransition(t.transition())
              .setPriority(t.priority())
              .setCause(cause)
              .setCauseEventId(causeEventId)
              .setCauseEventTime(causeTime)
              .setEmittedAt(emittedAt)
              .setTopSegments(top)
              .setSnapshot(snapshot)
              .build());
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
    List<SegmentRule> member = new ArrayList<>(memberRules);
    member.sort(BY_PRIORITY);
    List<SegmentBadge> badges = new ArrayList<>(TOP);
    for (SegmentRule rule : member.subList(0, Math.min(TOP, member.size()))) {
      SegmentDefinition d = rule.definition();
      badges.add(
          new SegmentBadge(
              d.getSegmentId(), d.getName(), d.getLabel(), d.getColor(), d.getPriority()));
    }
    return badges;
  }

  public static ProfileSnapshot snapshot(VisitorProfile p) {
    List<CartItem> items = p.getCart().getItems();
    return ProfileSnapshot.newBuilder()
        .setCity(p.getGeo().getCity())
        .setCountry(p.getGeo().getCountry())
        .setCurrentUrl(p.getVisit().getCurrentUrl())
        .setCartValue(items.isEmpty() ? null : p.getCart().getValue())
        .setCurrency(items.isEmpty() ? null : p.getCart().getCurrency())
        .setVisits(p.getVisits())
        .setName(p.getIdentity().getName())
        .build();
  }
}
