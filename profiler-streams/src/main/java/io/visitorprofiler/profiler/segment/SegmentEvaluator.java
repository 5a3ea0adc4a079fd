package io.visitorprofiler.profiler.segment;

import static io.visitorprofiler.profiler.rules.ProfileField.CART_IDLE_SECONDS;
import static io.visitorprofiler.profiler.rules.ProfileField.VISIT_SECONDS_ON_PAGE;
import static io.visitorprofiler.profiler.rules.ProfileField.VISIT_SECONDS_ON_SITE;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileView;
import io.visitorprofiler.profiler.rules.FieldMask;
import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.rules.TimeThreshold;
import io.visitorprofiler.schemas.Membership;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a visitor's segment memberships: runs only the rules that read a changed field, applies
 * the minimum dwell before an exit, drops memberships of segments that no longer exist, and
 * computes when time alone may next change an outcome. Not final: the topology's tests give the
 * processor one that fails.
 */
public class SegmentEvaluator {
  private static final Logger log = LoggerFactory.getLogger(SegmentEvaluator.class);

  /** Time on site and on page: they grow while the visitor is online and freeze when they leave. */
  private static final long GROW_WHILE_ONLINE =
      FieldMask.of(VISIT_SECONDS_ON_SITE, VISIT_SECONDS_ON_PAGE);

  // The outcome of a shared condition within one evaluation.
  private static final byte UNDECIDED = 0;
  private static final byte MATCHES = 1;
  private static final byte DOES_NOT_MATCH = 2;

  /**
   * What an evaluation decided.
   *
   * @param memberRules the rules of the visitor's memberships after the evaluation, in the order of
   *     the profile's memberships (by segment id)
   */
  public record Outcome(
      List<SegmentTransition> transitions, List<SegmentRule> memberRules, Instant nextCheckAt) {}

  private final ProfileSettings settings;
  private final Duration defaultMinDwell;
  private final Duration fallbackTick;
  private final Counter evaluations;
  private final Counter visitedRules;
  private final Counter ruleErrors;

  /**
   * @param defaultMinDwell minimum time in a segment before an EXITED, unless the segment sets its
   *     own
   * @param fallbackTick how often a time-dependent rule without a constant threshold is re-checked
   *     while it can change
   */
  public SegmentEvaluator(
      ProfileSettings settings,
      Duration defaultMinDwell,
      Duration fallbackTick,
      MeterRegistry metrics) {
    this.settings = settings;
    this.defaultMinDwell = defaultMinDwell;
    this.fallbackTick = fallbackTick;
    this.evaluations = metrics.counter("profiler.rule.evaluations");
    this.visitedRules = metrics.counter("profiler.rules.visited");
    this.ruleErrors = metrics.counter("profiler.rule.errors");
  }

  /**
   * Evaluates at {@code now}, updating the profile's memberships in place.
   *
   * @param changed the {@link io.visitorprofiler.profiler.rules.FieldMask} of fields that changed
   * @param recheckMembers also re-run the rules of current memberships (a timer, where a deferred
   *     exit may be due)
   */
  public Outcome evaluate(
      VisitorProfile profile,
      SegmentRuleBook.Snapshot rules,
      SegmentRuleBook book,
      long changed,
      Instant now,
      boolean recheckMembers) {
    List<SegmentTransition> transitions = new ArrayList<>();
    SiteRules site = rules.site(profile.getSiteId());
    List<SegmentRule> siteRules = site.rules();
    long nowMillis = now.toEpochMilli();
    FieldValues fields = ProfileView.fields(profile, nowMillis, settings);
    Instant checkedAt = profile.getRulesCheckedAt();
    boolean someSavedSince = checkedAt == null || site.savedAfter(checkedAt);
    // The rules to visit: those the visitor can match now (the others have an equality guard that
    // does not hold, so a non-member stays out) among those that read a changed field, and those
    // of the visitor's memberships. Time-dependent rules are visited whatever changed, as the
    // next check is computed from them; a rule saved since the visitor's last evaluation runs
    // whatever changed.
    BitSet visit =
        site.candidates(
            fields, someSavedSince ? FieldMask.ALL : changed | FieldMask.TIME_DEPENDENT);
    // Each membership in the slot of its rule (by position, not by a lookup per rule), and its
    // rule visited; those without a rule of this site are left over.
    Membership[] slots = new Membership[siteRules.size()];
    List<Membership> leftOver = new ArrayList<>();
    for (Membership m : profile.getMemberships()) {
      int position = site.positionOf(m.getSegmentId());
      if (position >= 0) {
        slots[position] = m;
        visit.set(position);
      } else {
        leftOver.add(m);
      }
    }
    // A condition that rules share is decided once; the others with it reuse the outcome.
    SharedConditions shared = site.shared();
    byte[] decided = shared.groups() > 0 ? new byte[shared.groups()] : null;
    // Visited in position order, which is segment-id order: the memberships kept come out sorted.
    List<Membership> kept = new ArrayList<>();
    List<SegmentRule> keptRules = new ArrayList<>();
    visitedRules.increment(visit.cardinality());
    for (int i = visit.nextSetBit(0); i >= 0; i = visit.nextSetBit(i + 1)) {
      SegmentRule rule = siteRules.get(i);
      Membership membership = slots[i];
      boolean run =
          (rule.reads() & changed) != 0
              || (recheckMembers && membership != null)
              || (membership != null && membership.getVersion() != rule.version())
              || (someSavedSince && savedSince(rule, checkedAt));
      if (!run) {
        if (membership != null) {
          kept.add(membership);
          keptRules.add(rule);
        }
        continue;
      }
      int group = decided == null ? -1 : shared.groupOf(i);
      boolean matches;
      if (group < 0) {
        matches = decide(rule, fields, profile);
      } else {
        if (decided[group] == UNDECIDED) {
          decided[group] = decide(rule, fields, profile) ? MATCHES : DOES_NOT_MATCH;
        }
        matches = decided[group] == MATCHES;
      }
      if (matches && membership == null) {
        kept.add(new Membership(rule.segmentId(), rule.version(), now));
        keptRules.add(rule);
        transitions.add(SegmentTransition.of(rule, Transition.ENTERED));
      } else if (matches) {
        membership.setVersion(rule.version());
        kept.add(membership);
        keptRules.add(rule);
      } else if (membership != null) {
        if (nowMillis - membership.getEnteredAt().toEpochMilli()
            >= minDwell(rule.definition()).toMillis()) {
          transitions.add(SegmentTransition.of(rule, Transition.EXITED));
        } else {
          kept.add(membership); // exit deferred until the minimum dwell has passed
          keptRules.add(rule);
        }
      }
    }
    // Whatever is left belongs to segments that were deleted, disabled or moved to another site.
    leftOver.sort((a, b) -> a.getSegmentId().compareTo(b.getSegmentId()));
    for (Membership gone : leftOver) {
      transitions.add(SegmentTransition.exit(gone, rules, book));
    }
    profile.setMemberships(kept);
    if (checkedAt == null || now.isAfter(checkedAt)) {
      profile.setRulesCheckedAt(now);
    }
    return new Outcome(
        transitions, keptRules, nextCheck(profile, siteRules, visit, keptRules, nowMillis));
  }

  /**
   * Whether the rule's condition holds. A guard that fails means no match (a member leaves, a
   * non-member stays out); when the guards are the whole condition and hold, they are the match.
   * CEL runs for the rest.
   */
  private boolean decide(SegmentRule rule, FieldValues fields, VisitorProfile profile) {
    return rule.guardsHold(fields)
        && (rule.guardsDecide() || matches(rule, fields.view(), profile));
  }

  /** A rule saved after the visitor's last evaluation has never seen this visitor. */
  private static boolean savedSince(SegmentRule rule, Instant checkedAt) {
    return checkedAt == null || rule.definition().getUpdatedAt().isAfter(checkedAt);
  }

  private boolean matches(SegmentRule rule, Map<String, Object> view, VisitorProfile profile) {
    evaluations.increment();
    try {
      return rule.matches(view);
    } catch (Exception e) {
      // A rule that fails on a profile (a missing map key, say) does not match; never a crash.
      ruleErrors.increment();
      log.debug(
          "segment {} (and any with the same condition) failed on a profile of site {}: {}",
          rule.segmentId(),
          profile.getSiteId(),
          e.getMessage());
      return false;
    }
  }

  private Duration minDwell(SegmentDefinition definition) {
    Integer own = definition.getMinDwellSeconds();
    return own == null ? defaultMinDwell : Duration.ofSeconds(own);
  }

  /**
   * The earliest moment after {@code now} at which time alone can change an outcome: only the
   * visited rules can (the others have an equality guard on a field that time does not change).
   */
  private Instant nextCheck(
      VisitorProfile p,
      List<SegmentRule> siteRules,
      BitSet visited,
      List<SegmentRule> memberRules,
      long now) {
    long lastSeen = p.getLastSeen().toEpochMilli();
    long offlineAt = lastSeen + settings.onlineWindow().toMillis();
    long next = Long.MAX_VALUE;
    boolean timeRules = false;
    for (int i = visited.nextSetBit(0); i >= 0; i = visited.nextSetBit(i + 1)) {
      SegmentRule rule = siteRules.get(i);
      if (!rule.timeDependent()) {
        continue;
      }
      timeRules = true;
      if (rule.thresholds().isEmpty() && growsWithoutThreshold(rule, p, now, offlineAt)) {
        next = earliest(next, now + fallbackTick.toMillis(), now);
      }
      for (TimeThreshold threshold : rule.thresholds()) {
        long base;
        boolean freezesOffline = true;
        switch (threshold.field()) {
          case VISIT_SECONDS_ON_SITE -> base = p.getVisit().getStartedAt().toEpochMilli();
          case VISIT_SECONDS_ON_PAGE -> {
            Instant since = p.getVisit().getCurrentPageSince();
            base = since == null ? -1 : since.toEpochMilli();
          }
          case CART_IDLE_SECONDS -> {
            Instant updated = p.getCart().getUpdatedAt();
            base =
                updated == null || p.getCart().getItems().isEmpty() ? -1 : updated.toEpochMilli();
            freezesOffline = false;
          }
          default -> base = -1;
        }
        if (base < 0) {
          continue;
        }
        // Integer seconds: ">= t" turns at base + t s, "> t" at base + (t + 1) s.
        long atLeast = base + threshold.seconds() * 1000;
        long over = atLeast + 1000;
        if (!freezesOffline || atLeast <= offlineAt) {
          next = earliest(next, atLeast, now);
        }
        if (!freezesOffline || over <= offlineAt) {
          next = earliest(next, over, now);
        }
      }
    }
    if (timeRules) {
      next = earliest(next, offlineAt, now); // `online` turns false; time on site/page freezes
    }
    List<Membership> memberships = p.getMemberships();
    for (int i = 0; i < memberships.size(); i++) {
      long dwellEnds =
          memberships.get(i).getEnteredAt().toEpochMilli()
              + minDwell(memberRules.get(i).definition()).toMillis();
      next = earliest(next, dwellEnds, now);
    }
    return next == Long.MAX_VALUE ? null : Instant.ofEpochMilli(next);
  }

  /**
   * Whether a time-dependent rule without a constant to compare time with can change before its
   * next event but for going offline (a check of its own): time on site and on page grow while the
   * visitor is online and freeze when they leave, a cart's idle time grows while it holds items,
   * and {@code online} changes only at that moment. Otherwise an offline visitor would be woken
   * every fallback tick until evicted.
   */
  private static boolean growsWithoutThreshold(
      SegmentRule rule, VisitorProfile p, long now, long offlineAt) {
    return ((rule.reads() & GROW_WHILE_ONLINE) != 0 && now < offlineAt)
        || ((rule.reads() & CART_IDLE_SECONDS.bit()) != 0 && !p.getCart().getItems().isEmpty());
  }

  private static long earliest(long current, long candidate, long now) {
    return candidate > now && candidate < current ? candidate : current;
  }
}
