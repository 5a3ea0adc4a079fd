package io.visitorprofiler.profiler.topology;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.rules.FieldMask;
import io.visitorprofiler.profiler.rules.SegmentRule;
import io.visitorprofiler.profiler.segment.SegmentChangeFactory;
import io.visitorprofiler.profiler.segment.SegmentEvaluator;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.profiler.segment.SegmentTransition;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Consent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Membership;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import io.visitorprofiler.schemas.serde.SegmentChangeEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps one profile per visitor and emits a segment change for every real transition.
 *
 * <p>Time is the visitor's event time. Before an event is applied, the visitor's due timers up to
 * that event are fired at their due times, so the outcome does not depend on when the wall-clock
 * punctuator happened to run; the punctuator fires the timers of visitors who send nothing more,
 * and re-evaluates online visitors when the segment definitions change.
 */
final class VisitorProcessor implements Processor<String, Object, String, byte[]> {
  /** At most this many due timers per punctuation, so one punctuation stays short. */
  static final int TIMERS_PER_TICK = 10_000;

  /** The shortest and the longest wait before a visitor whose timer failed is tried again. */
  static final Duration FAILED_TIMER_RETRY = Duration.ofMinutes(1);

  static final Duration FAILED_TIMER_RETRY_MAX = Duration.ofDays(1);

  /**
   * Why an event or erasure request of one site for a visitor id whose profile is another site's is
   * skipped: topics are keyed by visitor id alone, so both reach the same profile, and the site
   * that profiled the id first keeps it (see the README).
   */
  static final String OTHER_SITE = "other-site";

  private final SegmentRuleBook book;
  private final ProfileSettings settings;
  private final ProfileUpdater updater;
  private final SegmentEvaluator evaluator;
  private final SegmentChangeEncoder changes;
  private final Duration timerInterval;
  private final ProfilerMetrics metrics;

  private ProcessorContext<String, byte[]> context;
  private org.apache.kafka.streams.state.KeyValueStore<String, VisitorProfile> profiles;
  private TimerIndex timers;
  private OnlineIndex online;
  private long rulesVersionSeen = -1;

  VisitorProcessor(
      SegmentRuleBook book,
      ProfileSettings settings,
      SegmentEvaluator evaluator,
      SegmentChangeEncoder changes,
      Duration timerInterval,
      ProfilerMetrics metrics) {
    this.book = book;
    this.settings = settings;
    this.updater = new ProfileUpdater(settings);
    this.evaluator = evaluator;
    this.changes = changes;
    this.timerInterval = timerInterval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.profiles = context.getStateStore(ProfilerTopology.PROFILES_STORE);
    this.timers = new TimerIndex(context.getStateStore(ProfilerTopology.TIMERS_STORE));
    this.online = new OnlineIndex(context.getStateStore(ProfilerTopology.ONLINE_STORE));
    context.schedule(timerInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<String, Object> record) {
    switch (record.value()) {
      case ClickstreamEvent e -> {
        metrics.clickstreamEvents.increment();
        onEvent(
            e.getVisitorId(),
            e.getSiteId(),
            e.getEventId(),
            e.getEventTime(),
            e.getContext(),
            e.getPayload(),
            (p, at) -> updater.apply(p, e, at));
      }
      case ChatEvent e -> {
        metrics.chatEvents.increment();
        onEvent(
            e.getVisitorId(),
            e.getSiteId(),
            e.getEventId(),
            e.getEventTime(),
            e.getContext(),
            e.getPayload(),
            (p, at) -> updater.apply(p, e, at));
      }
      case ErasureRequest r -> {
        metrics.erasures.increment();
        erase(r.getVisitorId(), r.getSiteId(), ChangeCause.ERASURE, r.getRequestedAt());
      }
      case null -> metrics.skipped("null-value");
      default -> metrics.skipped("unknown-type");
    }
  }

  @FunctionalInterface
  private interface Update {
    long apply(VisitorProfile profile, Instant at);
  }

  private void onEvent(
      String visitorId,
      String siteId,
      String eventId,
      Instant eventTime,
      EventContext eventContext,
      Object payload,
      Update update) {
    if (eventContext != null
        && eventContext.getDevice() != null
        && eventContext.getDevice().getBot()) {
      metrics.skipped("bot");
      return;
    }
    Privacy privacy = eventContext == null ? null : eventContext.getPrivacy();
    boolean optOut =
        (privacy != null && privacy.getOptedOut())
            || (payload instanceof Consent consent && !consent.getProfiling());
    if (!optOut
        && privacy != null
        && (privacy.getDoNotTrack() || privacy.getGlobalPrivacyControl())) {
      metrics.skipped("do-not-track"); // before the profile is read: nothing of it is needed
      return;
    }
    VisitorProfile profile = profiles.get(visitorId);
    if (profile != null && !profile.getSiteId().equals(siteId)) {
      if (!evictedOnArrival(profile, eventTime)) {
        metrics.skipped(OTHER_SITE);
        return;
      }
      profile = null; // the other site's profile was past retention: the id is free
    }
    if (optOut) {
      optOut(visitorId, siteId, eventTime);
      return;
    }
    if (profile != null && !profile.getProfilingAllowed()) {
      if (!(payload instanceof Consent)) {
        metrics.skipped("opted-out");
        return;
      }
      forget(profile); // consent given again: start from an empty profile
      profile = null;
    }
    Instant before = profile == null ? null : profile.getNextCheckAt();
    Instant at;
    boolean wasOnline;
    if (profile == null) {
      at = eventTime;
      wasOnline = false;
      profile = ProfileUpdater.newProfile(visitorId, siteId, at);
    } else {
      // A visitor's clock never runs backwards: a late event counts at the latest time seen.
      at = eventTime.isAfter(profile.getLastSeen()) ? eventTime : profile.getLastSeen();
      // Still online by their previous event means the online index holds them; otherwise
      // they may or may not be there yet, and writing them again is harmless.
      wasOnline = isOnline(profile, at);
      if (!catchUp(profile, at)) {
        timers.reschedule(visitorId, before, null);
        profile = ProfileUpdater.newProfile(visitorId, siteId, at);
        before = null;
        wasOnline = false;
      }
    }
    long changed = update.apply(profile, at);
    evaluateAndEmit(profile, changed, at, ChangeCause.EVENT, eventId, false);
    save(profile, before, wasOnline, at);
  }

  /**
   * Evicts another site's profile that is past retention when an event for its visitor id comes
   * before its timer fired (a punctuation behind), firing its due timers first as the punctuation
   * would have: then the id is free for the event's site (decision 19). False, and nothing changed,
   * while the other site's profile lives.
   */
  private boolean evictedOnArrival(VisitorProfile other, Instant at) {
    if (at.isBefore(other.getLastSeen().plus(settings.retention()))) {
      return false;
    }
    Instant before = other.getNextCheckAt();
    if (catchUp(other, at)) {
      save(other, before, false, at); // its timers fired, and it lives on
      return false;
    }
    return true;
  }

  /**
   * Fires the visitor's timers due up to {@code until}, each at its own due time. Returns false
   * when the visitor was evicted on the way (idle past retention).
   */
  private boolean catchUp(VisitorProfile profile, Instant until) {
    while (profile.getNextCheckAt() != null && !profile.getNextCheckAt().isAfter(until)) {
      Instant due = profile.getNextCheckAt();
      metrics.timersFired.increment();
      if (!due.isBefore(profile.getLastSeen().plus(settings.retention()))) {
        exitAll(profile, ChangeCause.TIMER, due);
        forget(profile);
        return false;
      }
      evaluateAndEmit(
          profile,
          FieldMask.TIME_DEPENDENT,
          due,
          ChangeCause.TIMER,
          profile.getLastEventId(),
          true);
      if (profile.getNextCheckAt() != null && !profile.getNextCheckAt().isAfter(due)) {
        profile.setNextCheckAt(null); // guards against a schedule that would not advance
      }
    }
    return true;
  }

  private void evaluateAndEmit(
      VisitorProfile profile,
      long changed,
      Instant at,
      ChangeCause cause,
      String causeEventId,
      boolean recheckMembers) {
    SegmentRuleBook.Snapshot rules = book.snapshot();
    SegmentEvaluator.Outcome outcome =
        evaluator.evaluate(profile, rules, book, changed, at, recheckMembers);
    emit(profile, outcome.transitions(), outcome.memberRules(), cause, causeEventId, at);
    profile.setNextCheckAt(nextCheck(profile, outcome.nextCheckAt(), at));
  }

  /** The rules' next check, or the moment the visitor goes offline or is evicted. */
  private Instant nextCheck(VisitorProfile profile, Instant rulesNext, Instant now) {
    Instant offline = profile.getLastSeen().plus(settings.onlineWindow());
    Instant evict = profile.getLastSeen().plus(settings.retention());
    Instant next = evict;
    if (offline.isAfter(now) && offline.isBefore(next)) {
      next = offline;
    }
    if (rulesNext != null && rulesNext.isBefore(next)) {
      next = rulesNext;
    }
    return next;
  }

  private void emit(
      VisitorProfile profile,
      List<SegmentTransition> transitions,
      List<SegmentRule> memberRules,
      ChangeCause cause,
      String causeEventId,
      Instant at) {
    if (transitions.isEmpty()) {
      return;
    }
    Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
    // A change is timed at its event, but never after this instance's clock: brokers refuse
    // records timed more than message.timestamp.after.max.ms (an hour by default) ahead of theirs,
    // and one refused change fails the transaction and stops the client. The body keeps the
    // event's time.
    long recordTime = Math.min(at.toEpochMilli(), emittedAt.toEpochMilli());
    List<SegmentChange> built =
        SegmentChangeFactory.build(
            profile, transitions, memberRules, cause, causeEventId, at, emittedAt);
    List<byte[]> encoded = changes.encode(built);
    for (int i = 0; i < built.size(); i++) {
      SegmentChange change = built.get(i);
      (change.getTransition() == Transition.ENTERED ? metrics.entered : metrics.exited).increment();
      context.forward(new Record<>(change.getVisitorId(), encoded.get(i), recordTime));
    }
  }

  /**
   * Stores the profile and keeps both indexes in step, writing to them only when they change: a
   * pending timer entry earlier than the new due time is kept (it fires, re-evaluates harmlessly
   * and schedules the real one), so a busy visitor does not rewrite the timer index on every event;
   * the online index is written when the visitor comes online or goes offline.
   */
  private void save(VisitorProfile profile, Instant previousDue, boolean wasOnline, Instant now) {
    Instant wanted = profile.getNextCheckAt();
    if (previousDue != null
        && previousDue.isAfter(now)
        && wanted != null
        && !previousDue.isAfter(wanted)) {
      profile.setNextCheckAt(previousDue);
    } else {
      timers.reschedule(profile.getVisitorId(), previousDue, wanted);
    }
    profiles.put(profile.getVisitorId(), profile);
    boolean isOnline = isOnline(profile, now);
    if (isOnline && !wasOnline) {
      online.online(
          profile.getSiteId(), profile.getVisitorId(), profile.getLastSeen().toEpochMilli());
    } else if (!isOnline && wasOnline) {
      online.offline(profile.getSiteId(), profile.getVisitorId());
    }
  }

  private boolean isOnline(VisitorProfile profile, Instant at) {
    return profile != null && profile.getLastSeen().plus(settings.onlineWindow()).isAfter(at);
  }

  /** Removes every trace of a profile from this task's state (tombstones in the changelogs). */
  private void forget(VisitorProfile profile) {
    profiles.delete(profile.getVisitorId());
    timers.reschedule(profile.getVisitorId(), profile.getNextCheckAt(), null);
    online.offline(profile.getSiteId(), profile.getVisitorId());
  }

  private void exitAll(VisitorProfile profile, ChangeCause cause, Instant at) {
    List<SegmentTransition> exits = new ArrayList<>();
    SegmentRuleBook.Snapshot rules = book.snapshot();
    for (Membership m : profile.getMemberships()) {
      exits.add(SegmentTransition.exit(m, rules, book));
    }
    profile.setMemberships(new ArrayList<>());
    emit(profile, exits, List.of(), cause, profile.getLastEventId(), at);
  }

  private void erase(String visitorId, String siteId, ChangeCause cause, Instant at) {
    VisitorProfile profile = profiles.get(visitorId);
    if (profile == null) {
      return;
    }
    if (!profile.getSiteId().equals(siteId)) {
      metrics.skipped(OTHER_SITE);
      return;
    }
    exitAll(profile, cause, at.isAfter(profile.getLastSeen()) ? at : profile.getLastSeen());
    forget(profile);
  }

  /** Erases the visitor and remembers only that they opted out, until retention passes. */
  private void optOut(String visitorId, String siteId, Instant at) {
    metrics.skipped("opted-out");
    erase(visitorId, siteId, ChangeCause.ERASURE, at);
    VisitorProfile marker = ProfileUpdater.newProfile(visitorId, siteId, at);
    marker.setProfilingAllowed(false);
    marker.setNextCheckAt(at.plus(settings.retention()));
    profiles.put(visitorId, marker);
    timers.reschedule(visitorId, null, marker.getNextCheckAt());
  }

  /** Wall-clock punctuation: definition changes, then due timers. */
  private void tick(long wallClockMillis) {
    metrics.punctuations.record(() -> punctuate(wallClockMillis));
  }

  private void punctuate(long wallClockMillis) {
    Instant now = Instant.ofEpochMilli(wallClockMillis);
    SegmentRuleBook.Snapshot rules = book.snapshot();
    if (rules.version() != rulesVersionSeen) {
      rulesVersionSeen = rules.version();
      reevaluateOnline(now);
    }
    List<TimerIndex.Due> due = timers.due(now, TIMERS_PER_TICK);
    metrics.timerBacklog.set(due.size());
    for (TimerIndex.Due entry : due) {
      timers.remove(entry);
      VisitorProfile profile = profiles.get(entry.visitorId());
      if (profile == null || !entry.at().equals(profile.getNextCheckAt())) {
        continue; // stale entry: the visitor was rescheduled or erased meanwhile
      }
      if (!profile.getProfilingAllowed()) {
        profiles.delete(entry.visitorId()); // the opt-out marker has served its retention
        continue;
      }
      try {
        if (catchUp(profile, now)) {
          save(profile, null, true, now); // removes the visitor from the online index if gone
        }
      } catch (RuntimeException e) {
        metrics.timerFailures.increment();
        try {
          retryLater(entry, now);
        } catch (RuntimeException again) {
          e.addSuppressed(again); // the handler decides on the first failure, not on this one
        }
        throw e; // to the processing exception handler, which counts it and decides
      }
    }
  }

  /**
   * Makes a visitor whose timer failed due again: their entry was taken from the index before the
   * failure, and without a new one their time-driven changes would wait for their next event. From
   * the stored profile, since the failed one may be half changed; when the stored one is due at
   * another time, the save got through and its own entry stands. The wait is the time since the
   * visitor was last seen, at least {@link #FAILED_TIMER_RETRY} and at most {@link
   * #FAILED_TIMER_RETRY_MAX}: a failed attempt does not change the stored profile, so a visitor who
   * keeps failing is tried after 1, 2, 4… times the wait (each attempt a dead letter, and the
   * changes forwarded before a failure are emitted again by the next attempt). The changes of a
   * retry that succeeds are timed at the retry.
   */
  private void retryLater(TimerIndex.Due failed, Instant now) {
    VisitorProfile stored = profiles.get(failed.visitorId());
    if (stored == null || !failed.at().equals(stored.getNextCheckAt())) {
      return;
    }
    Duration wait = Duration.between(stored.getLastSeen(), now);
    if (wait.compareTo(FAILED_TIMER_RETRY) < 0) {
      wait = FAILED_TIMER_RETRY;
    } else if (wait.compareTo(FAILED_TIMER_RETRY_MAX) > 0) {
      wait = FAILED_TIMER_RETRY_MAX;
    }
    Instant retry = now.plus(wait);
    timers.reschedule(failed.visitorId(), null, retry);
    stored.setNextCheckAt(retry);
    profiles.put(failed.visitorId(), stored);
  }

  /**
   * Re-evaluates the online visitors after a definition change. One visitor's failure does not end
   * it for the others: it is counted, the others are re-evaluated, and the first failure goes to
   * the processing exception handler at the end (the failed visitor is evaluated again by their
   * next event, as a rule saved since their last evaluation runs then). A failure that is no
   * visitor's would meet every visitor after it, and ends the re-evaluation at once, as before.
   */
  private void reevaluateOnline(Instant now) {
    RuntimeException first = null;
    for (String visitorId : online.visitorIds()) {
      try {
        reevaluate(visitorId, now);
      } catch (RuntimeException e) {
        if (notTheVisitors(e)) {
          throw e;
        }
        metrics.reevaluationFailures.increment();
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The schema registry out of reach (its failure wrapped in a serde's), this task migrated or its
   * producer fenced: not one visitor's failure. A serde's own failure on one visitor's value (a
   * null where the schema has none) is that visitor's.
   */
  private static boolean notTheVisitors(RuntimeException e) {
    return SchemaRegistryException.isOutage(e)
        || e instanceof StreamsException
        || e instanceof ApiException;
  }

  private void reevaluate(String visitorId, Instant now) {
    VisitorProfile profile = profiles.get(visitorId);
    if (profile == null || !profile.getProfilingAllowed()) {
      return;
    }
    metrics.definitionReevaluations.increment();
    Instant before = profile.getNextCheckAt();
    Instant at = now.isAfter(profile.getLastSeen()) ? now : profile.getLastSeen();
    if (!catchUp(profile, at)) {
      return;
    }
    evaluateAndEmit(
        profile, FieldMask.ALL, at, ChangeCause.DEFINITION, profile.getLastEventId(), true);
    save(profile, before, true, at);
  }
}
