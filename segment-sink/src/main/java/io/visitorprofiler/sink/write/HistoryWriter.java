package io.visitorprofiler.sink.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ChatEnded;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatMessage;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.OfflineMessage;
import io.visitorprofiler.schemas.PostchatSubmitted;
import io.visitorprofiler.schemas.PrechatSubmitted;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.Purchase;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes records into the history tables on a connection whose transaction the caller owns. Every
 * insert is keyed (change id, event id, invitation id) and skips what is already there, so a replay
 * of the same records writes nothing twice; derived rows (current members, minute counts, chat
 * times) change only when their source row was actually inserted. Records of an erased visitor up
 * to the erasure time are not written again.
 */
public final class HistoryWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNIQUE_VIOLATION = "23505";

  /** The tables with rows of a visitor (all but the erasure log and the minute counts). */
  public static final List<String> VISITOR_TABLES =
      List.of(
          "membership_history",
          "membership_current",
          "chat_events",
          "chats",
          "invitations",
          "invitation_responses",
          "purchases");

  /** Rows inserted per table, for metrics. */
  public interface Counts {
    void inserted(String table, int rows);
  }

  private final Counts counts;

  public HistoryWriter(Counts counts) {
    this.counts = counts;
  }

  public void change(Connection c, SegmentChange change) throws SQLException {
    changes(c, List.of(change));
  }

  /**
   * Writes a batch of segment changes with a handful of set-based statements: the history rows,
   * then the current members and the minute counts from the rows that were new.
   *
   * <p>A batch seen for the first time (the normal case) goes in with plain inserts, which cost
   * PostgreSQL about a third less than keyed ones. A replay (after a crash between the database's
   * commit and the offset commit, or a rebalance) hits a key that is already there: the batch is
   * rolled back to a savepoint and written again with keyed inserts that skip what is there.
   */
  public void changes(Connection c, List<SegmentChange> batch) throws SQLException {
    List<SegmentChange> candidates = new ArrayList<>(batch.size());
    for (SegmentChange change : batch) {
      // The erasure removed this visitor's history; its EXITED must not write it back.
      if (change.getCause() != ChangeCause.ERASURE) {
        candidates.add(change);
      }
    }
    candidates = withoutErased(c, candidates);
    if (candidates.isEmpty()) {
      return;
    }
    Savepoint firstTime = c.setSavepoint();
    try {
      insertHistory(c, candidates, false);
      applyToDerivedRows(c, candidates, null);
      c.releaseSavepoint(firstTime);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(firstTime);
      Set<String> inserted = insertHistory(c, candidates, true);
      applyToDerivedRows(c, candidates, inserted);
    }
  }

  /**
   * Current members and minute counts from the history rows inserted: all candidates when {@code
   * inserted} is null (plain inserts succeeded), else those named (keyed inserts, then keyed
   * current members too).
   */
  private void applyToDerivedRows(
      Connection c, List<SegmentChange> candidates, Set<String> inserted) throws SQLException {
    int rows = inserted == null ? candidates.size() : inserted.size();
    if (rows == 0) {
      return;
    }
    counts.inserted("membership_history", rows);
    Map<List<String>, SegmentChange> lastPerMembership = new LinkedHashMap<>();
    Map<List<String>, SegmentChange> lastExitPerMembership = new LinkedHashMap<>();
    Map<List<Object>, int[]> perMinute = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (SegmentChange change : candidates) {
      if (inserted != null && !inserted.contains(change.getChangeId())
          || !seen.add(change.getChangeId())) {
        continue;
      }
      List<String> membership =
          List.of(change.getSiteId(), change.getSegmentId(), change.getVisitorId());
      SegmentChange last = lastPerMembership.get(membership);
      if (last == null || !change.getCauseEventTime().isBefore(last.getCauseEventTime())) {
        lastPerMembership.put(membership, change);
      }
      if (change.getTransition() == Transition.EXITED) {
        SegmentChange lastExit = lastExitPerMembership.get(membership);
        if (lastExit == null
            || !change.getCauseEventTime().isBefore(lastExit.getCauseEventTime())) {
          lastExitPerMembership.put(membership, change);
        }
      }
      int[] minute =
          perMinute.computeIfAbsent(
              List.of(
                  change.getSiteId(),
                  change.getSegmentId(),
                  change.getCauseEventTime().truncatedTo(ChronoUnit.MINUTES)),
              k -> new int[2]);
      minute[change.getTransition() == Transition.ENTERED ? 0 : 1]++;
    }
    updateCurrent(c, lastPerMembership.values(), lastExitPerMembership.values(), inserted != null);
    updateMinuteCounts(c, perMinute);
  }

  /** The change ids inserted when keyed (a plain insert inserts them all, or fails). */
  private static Set<String> insertHistory(Connection c, List<SegmentChange> changes, boolean keyed)
      throws SQLException {
    int n = changes.size();
    String[] ids = new String[n];
    String[] sites = new String[n];
    String[] visitors = new String[n];
    String[] segments = new String[n];
    String[] names = new String[n];
    Long[] versions = new Long[n];
    String[] transitions = new String[n];
    Integer[] priorities = new Integer[n];
    String[] causes = new String[n];
    String[] causeEvents = new String[n];
    String[] changedAt = new String[n];
    String[] emittedAt = new String[n];
    String[] cities = new String[n];
    String[] countries = new String[n];
    Double[] carts = new Double[n];
    for (int i = 0; i < n; i++) {
      SegmentChange change = changes.get(i);
      ProfileSnapshot snapshot = change.getSnapshot();
      ids[i] = change.getChangeId();
      sites[i] = change.getSiteId();
      visitors[i] = change.getVisitorId();
      segments[i] = change.getSegmentId();
      names[i] = change.getSegmentName();
      versions[i] = change.getSegmentVersion();
      transitions[i] = change.getTransition().name();
      priorities[i] = change.getPriority();
      causes[i] = change.getCause().name();
      causeEvents[i] = change.getCauseEventId();
      changedAt[i] = instant(change.getCauseEventTime());
      emittedAt[i] = instant(change.getEmittedAt());
      cities[i] = snapshot == null ? null : snapshot.getCity();
      countries[i] = snapshot == null ? null : snapshot.getCountry();
      carts[i] = snapshot == null ? null : snapshot.getCartValue();
    }
    Set<String> inserted = new HashSet<>();
    try (PreparedStatement insert =
        c.prepareStatement(
            """
            INSERT INTO membership_history (change_id, site_id, visitor_id, segment_id,
              segment_name, rule_version, transition, priority, cause, cause_event_id, changed_at,
              emitted_at, city, country, cart_value)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::int8[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::timestamptz[],
              ?::timestamptz[], ?::text[], ?::text[], ?::float8[])"""
                + (keyed ? " ON CONFLICT (change_id) DO NOTHING RETURNING change_id" : ""))) {
      Object[][] columns = {
        ids,
        sites,
        visitors,
        segments,
        names,
        versions,
        transitions,
        priorities,
        causes,
        causeEvents,
        changedAt,
        emittedAt,
        cities,
        countries,
        carts
      };
      String[] types = {
        "text",
        "text",
        "text",
        "text",
        "text",
        "int8",
        "text",
        "int4",
        "text",
        "text",
        "timestamptz",
        "timestamptz",
        "text",
        "text",
        "float8"
      };
      for (int i = 0; i < columns.length; i++) {
        insert.setArray(i + 1, c.createArrayOf(types[i], columns[i]));
      }
      if (!keyed) {
        insert.executeUpdate();
        return null;
      }
      try (ResultSet rs = insert.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getString(1));
        }
      }
    }
    return inserted;
  }

  /**
   * Removes the entries that a membership's latest EXITED in the batch ends (an older entry), then
   * adds the memberships whose last word is ENTERED: plainly, or keyed (upsert, a newer entry
   * wins). A visitor who left and came back within one batch is thus deleted and inserted again,
   * which a plain insert can do.
   */
  private static void updateCurrent(
      Connection c,
      Collection<SegmentChange> lasts,
      Collection<SegmentChange> lastExits,
      boolean keyed)
      throws SQLException {
    if (!lastExits.isEmpty()) {
      try (PreparedStatement delete =
          c.prepareStatement(
              """
              DELETE FROM membership_current m
              USING unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[])
                AS d(site_id, segment_id, visitor_id, exited_at)
              WHERE m.site_id = d.site_id AND m.segment_id = d.segment_id
                AND m.visitor_id = d.visitor_id AND m.entered_at <= d.exited_at""")) {
        bindMemberships(c, delete, new ArrayList<>(lastExits));
        delete.executeUpdate();
      }
    }
    List<SegmentChange> entered =
        lasts.stream().filter(change -> change.getTransition() == Transition.ENTERED).toList();
    if (!entered.isEmpty()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              """
              INSERT INTO membership_current (site_id, segment_id, visitor_id, entered_at, change_id)
              SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])"""
                  + (keyed
                      ? " ON CONFLICT (site_id, segment_id, visitor_id) DO UPDATE SET"
                          + " entered_at = EXCLUDED.entered_at, change_id = EXCLUDED.change_id"
                          + " WHERE membership_current.entered_at <= EXCLUDED.entered_at"
                      : ""))) {
        bindMemberships(c, insert, entered);
        insert.setArray(
            5,
            c.createArrayOf(
                "text", entered.stream().map(SegmentChange::getChangeId).toArray(String[]::new)));
        insert.executeUpdate();
      }
    }
  }

  private static void bindMemberships(
      Connection c, PreparedStatement statement, List<SegmentChange> changes) throws SQLException {
    statement.setArray(
        1,
        c.createArrayOf(
            "text", changes.stream().map(SegmentChange::getSiteId).toArray(String[]::new)));
    statement.setArray(
        2,
        c.createArrayOf(
            "text", changes.stream().map(SegmentChange::getSegmentId).toArray(String[]::new)));
    statement.setArray(
        3,
        c.createArrayOf(
            "text", changes.stream().map(SegmentChange::getVisitorId).toArray(String[]::new)));
    statement.setArray(
        4,
        c.createArrayOf(
            "timestamptz",
            changes.stream().map(ch -> instant(ch.getCauseEventTime())).toArray(String[]::new)));
  }

  private static void updateMinuteCounts(Connection c, Map<List<Object>, int[]> perMinute)
      throws SQLException {
    int n = perMinute.size();
    String[] sites = new String[n];
    String[] segments = new String[n];
    String[] minutes = new String[n];
    Integer[] entered = new Integer[n];
    Integer[] exited = new Integer[n];
    int i = 0;
    for (Map.Entry<List<Object>, int[]> e : perMinute.entrySet()) {
      sites[i] = (String) e.getKey().get(0);
      segments[i] = (String) e.getKey().get(1);
      minutes[i] = instant((Instant) e.getKey().get(2));
      entered[i] = e.getValue()[0];
      exited[i] = e.getValue()[1];
      i++;
    }
    try (PreparedStatement upsert =
        c.prepareStatement(
            """
            INSERT INTO segment_minute_counts (site_id, segment_id, minute, entered, exited)
            SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int4[], ?::int4[])
              AS u(site_id, segment_id, minute, entered, exited)
            -- Parallel writers (VP_SINK_WRITERS) share these rows: locking them in one order
            -- keeps their transactions from deadlocking.
            ORDER BY site_id, segment_id, minute
            ON CONFLICT (site_id, segment_id, minute) DO UPDATE SET
              entered = segment_minute_counts.entered + EXCLUDED.entered,
              exited = segment_minute_counts.exited + EXCLUDED.exited""")) {
      upsert.setArray(1, c.createArrayOf("text", sites));
      upsert.setArray(2, c.createArrayOf("text", segments));
      upsert.setArray(3, c.createArrayOf("timestamptz", minutes));
      upsert.setArray(4, c.createArrayOf("int4", entered));
      upsert.setArray(5, c.createArrayOf("int4", exited));
      upsert.executeUpdate();
    }
  }

  /** Drops changes of erased visitors up to their erasure time (one query for the batch). */
  private static List<SegmentChange> withoutErased(Connection c, List<SegmentChange> changes)
      throws SQLException {
    if (changes.isEmpty()) {
      return changes;
    }
    Map<String, Instant> erased = new HashMap<>();
    try (PreparedStatement query =
        c.prepareStatement(
            "SELECT site_id, visitor_id, requested_at FROM erasures WHERE visitor_id = ANY(?)")) {
      query.setArray(
          1,
          c.createArrayOf(
              "text",
              changes.stream().map(SegmentChange::getVisitorId).distinct().toArray(String[]::new)));
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          erased.put(rs.getString(1) + '\u0000' + rs.getString(2), rs.getTimestamp(3).toInstant());
        }
      }
    }
    if (erased.isEmpty()) {
      return changes;
    }
    List<SegmentChange> kept = new ArrayList<>(changes.size());
    for (SegmentChange change : changes) {
      Instant erasedAt = erased.get(change.getSiteId() + '\u0000' + change.getVisitorId());
      if (erasedAt == null || change.getCauseEventTime().isAfter(erasedAt)) {
        kept.add(change);
      }
    }
    return kept;
  }

  public void chat(Connection c, ChatEvent event) throws SQLException {
    Instant at = event.getEventTime();
    if (erasedAt(c, event.getSiteId(), event.getVisitorId(), at)) {
      return;
    }
    String kind;
    String sender = null;
    String body = null;
    Map<String, String> fields = null;
    Integer rating = null;
    switch (event.getPayload()) {
      case ChatMessage m -> {
        kind = "chat_message";
        sender = m.getSender().name();
        body = m.getText();
      }
      case PrechatSubmitted p -> {
        kind = "prechat_submitted";
        fields = p.getFields();
      }
      case PostchatSubmitted p -> {
        kind = "postchat_submitted";
        fields = p.getFields();
        rating = p.getRating();
      }
      case OfflineMessage o -> {
        kind = "offline_message";
        fields = o.getFields();
        body = o.getMessage();
      }
      case ChatEnded e -> kind = "chat_ended";
      default -> kind = snake(event.getPayload().getClass().getSimpleName());
    }
    int inserted;
    try (PreparedStatement insert =
        c.prepareStatement(
            """
            INSERT INTO chat_events (event_id, site_id, chat_id, visitor_id, event_time, kind,
              sender, body, fields, rating)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSONB), ?)
            ON CONFLICT (event_id) DO NOTHING""")) {
      insert.setString(1, event.getEventId());
      insert.setString(2, event.getSiteId());
      insert.setString(3, event.getChatId());
      insert.setString(4, event.getVisitorId());
      insert.setTimestamp(5, Timestamp.from(at));
      insert.setString(6, kind);
      insert.setString(7, sender);
      insert.setString(8, body);
      insert.setString(9, fields == null ? null : json(fields));
      setInt(insert, 10, rating);
      inserted = insert.executeUpdate();
    }
    if (inserted == 0) {
      return;
    }
    counts.inserted("chat_events", 1);
    if (event.getChatId() != null) {
      update(
          c,
          """
          INSERT INTO chats (site_id, chat_id, visitor_id, started_at, ended_at)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (site_id, chat_id) DO UPDATE SET
            started_at = LEAST(chats.started_at, EXCLUDED.started_at),
            ended_at = COALESCE(EXCLUDED.ended_at, chats.ended_at)""",
          event.getSiteId(),
          event.getChatId(),
          event.getVisitorId(),
          Timestamp.from(at),
          "chat_ended".equals(kind) ? Timestamp.from(at) : null);
    }
  }

  /**
   * Serialises this transaction with other writers' transactions on the same visitors. Parallel
   * writers (VP_SINK_WRITERS) each own partition p of the visitor-keyed topics, but the invitation
   * topic has fewer partitions, so an invitation, its answer and the visitor's erasure can reach
   * different writers. Locks are taken first and in sorted order (no deadlock), and held until the
   * transaction ends; under READ COMMITTED what follows then sees the other writer's rows.
   */
  public void lockVisitors(Connection c, Collection<String> siteAndVisitorKeys)
      throws SQLException {
    if (siteAndVisitorKeys.isEmpty()) {
      return;
    }
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
      for (String key : new TreeSet<>(siteAndVisitorKeys)) {
        lock.setString(1, key);
        lock.execute();
      }
    }
  }

  /** The lock key of a record that touches invitations or erases, or null. */
  public static String visitorLockKey(Object record) {
    return switch (record) {
      case Invitation i -> i.getSiteId() + "/" + i.getVisitorId();
      case ClickstreamEvent e when e.getPayload() instanceof InvitationResponse ->
          e.getSiteId() + "/" + e.getVisitorId();
      case ErasureRequest r -> r.getSiteId() + "/" + r.getVisitorId();
      default -> null;
    };
  }

  public void invitation(Connection c, Invitation invitation) throws SQLException {
    Instant at = invitation.getCreatedAt();
    if (erasedAt(c, invitation.getSiteId(), invitation.getVisitorId(), at)) {
      return;
    }
    int inserted =
        update(
            c,
            """
            INSERT INTO invitations (invitation_id, site_id, visitor_id, segment_id, variant_id,
              created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (invitation_id) DO NOTHING""",
            invitation.getInvitationId(),
            invitation.getSiteId(),
            invitation.getVisitorId(),
            invitation.getSegmentId(),
            invitation.getVariantId(),
            Timestamp.from(at),
            invitation.getExpiresAt() == null ? null : Timestamp.from(invitation.getExpiresAt()));
    if (inserted > 0) {
      counts.inserted("invitations", 1);
      applyResponses(c, invitation.getInvitationId());
    }
  }

  /** Invitation responses and purchases; other clickstream events are the profiler's business. */
  public void clickstream(Connection c, ClickstreamEvent event) throws SQLException {
    if (!(event.getPayload() instanceof InvitationResponse)
        && !(event.getPayload() instanceof Purchase)) {
      return;
    }
    Instant at = event.getEventTime();
    if (erasedAt(c, event.getSiteId(), event.getVisitorId(), at)) {
      return;
    }
    if (event.getPayload() instanceof InvitationResponse response) {
      int inserted =
          update(
              c,
              """
              INSERT INTO invitation_responses (event_id, site_id, visitor_id, invitation_id,
                outcome, responded_at)
              VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT (event_id) DO NOTHING""",
              event.getEventId(),
              event.getSiteId(),
              event.getVisitorId(),
              response.getInvitationId(),
              response.getResponse().name(),
              Timestamp.from(at));
      if (inserted > 0) {
        counts.inserted("invitation_responses", 1);
        applyResponses(c, response.getInvitationId());
      }
    } else if (event.getPayload() instanceof Purchase purchase) {
      int inserted =
          update(
              c,
              """
              INSERT INTO purchases (event_id, site_id, visitor_id, order_id, value, currency,
                purchased_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (event_id) DO NOTHING""",
              event.getEventId(),
              event.getSiteId(),
              event.getVisitorId(),
              purchase.getOrderId(),
              purchase.getValue(),
              purchase.getCurrency(),
              Timestamp.from(at));
      counts.inserted("purchases", inserted);
    }
  }

  /** The first response to an invitation decides its outcome. */
  private void applyResponses(Connection c, String invitationId) throws SQLException {
    update(
        c,
        """
        UPDATE invitations i SET outcome = r.outcome, responded_at = r.responded_at
        FROM (SELECT outcome, responded_at FROM invitation_responses
              WHERE invitation_id = ? ORDER BY responded_at, event_id LIMIT 1) r
        WHERE i.invitation_id = ? AND i.outcome IS NULL""",
        invitationId,
        invitationId);
  }

  /**
   * Deletes every row of the visitor, transcripts included, and records the erasure so that
   * replayed or late records up to the request time are not written back.
   */
  public int erase(Connection c, ErasureRequest request) throws SQLException {
    int deleted = 0;
    for (String table : VISITOR_TABLES) {
      deleted +=
          update(
              c,
              "DELETE FROM " + table + " WHERE site_id = ? AND visitor_id = ?",
              request.getSiteId(),
              request.getVisitorId());
    }
    update(
        c,
        """
        INSERT INTO erasures (site_id, visitor_id, request_id, requested_at, erased_at, rows_deleted)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (site_id, visitor_id) DO UPDATE SET
          request_id = EXCLUDED.request_id,
          requested_at = GREATEST(erasures.requested_at, EXCLUDED.requested_at),
          erased_at = EXCLUDED.erased_at,
          rows_deleted = erasures.rows_deleted + EXCLUDED.rows_deleted""",
        request.getSiteId(),
        request.getVisitorId(),
        request.getRequestId(),
        Timestamp.from(request.getRequestedAt()),
        Timestamp.from(Instant.now()),
        deleted);
    return deleted;
  }

  private static boolean erasedAt(Connection c, String siteId, String visitorId, Instant at)
      throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(
            "SELECT 1 FROM erasures WHERE site_id = ? AND visitor_id = ? AND requested_at >= ?")) {
      query.setString(1, siteId);
      query.setString(2, visitorId);
      query.setTimestamp(3, Timestamp.from(at));
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      return statement.executeUpdate();
    }
  }

  private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  private static void setInt(PreparedStatement s, int index, Integer value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.INTEGER);
    } else {
      s.setInt(index, value);
    }
  }

  private static String json(Map<String, String> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String snake(String className) {
    return className.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A time for a {@code timestamptz} array, as an ISO instant with its offset. The driver writes a
   * {@link Timestamp} in an array as the JVM's local time without one, which the database reads in
   * the session's zone: in the hour a clock turns back, two instants became the same time.
   */
  private static String instant(Instant at) {
    return at.toString();
  }
}
