package io.visitorprofiler.sink.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.sink.write.HistoryWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The read side of the history tables, paginated by keyset. */
public final class HistoryQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource db;

  public HistoryQueries(DataSource db) {
    this.db = db;
  }

  public record Change(
      String changeId,
      String segmentId,
      String segmentName,
      String transition,
      Long ruleVersion,
      String cause,
      String causeEventId,
      Instant changedAt) {}

  /** A visitor's ENTERED/EXITED in time order. */
  public Page<Change> segmentHistory(String siteId, String visitorId, int limit, String after)
      throws SQLException {
    Instant afterTime = Instant.EPOCH;
    String afterId = "";
    if (after != null) {
      String[] p = Page.parts(after, 2);
      afterTime = cursorTime(p[0]);
      afterId = p[1];
    }
    List<Change> items = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                """
                SELECT change_id, segment_id, segment_name, transition, rule_version, cause,
                       cause_event_id, changed_at
                FROM membership_history
                WHERE site_id = ? AND visitor_id = ? AND (changed_at, change_id) > (?, ?)
                ORDER BY changed_at, change_id LIMIT ?""")) {
      q.setString(1, siteId);
      q.setString(2, visitorId);
      q.setTimestamp(3, Timestamp.from(afterTime));
      q.setString(4, afterId);
      q.setInt(5, limit + 1);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          long version = rs.getLong(5);
          items.add(
              new Change(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.wasNull() ? null : version,
                  rs.getString(6),
                  rs.getString(7),
                  rs.getTimestamp(8).toInstant()));
        }
      }
    }
    return page(items, limit, last -> Page.cursor(last.changedAt().toString(), last.changeId()));
  }

  public record Member(String visitorId, Instant enteredAt) {}

  /** The members of a segment now, or at a moment in the past (from the history). */
  public Page<Member> members(String siteId, String segmentId, Instant at, int limit, String after)
      throws SQLException {
    String afterVisitor = after == null ? "" : Page.parts(after, 1)[0];
    String sql =
        at == null
            ? """
              SELECT visitor_id, entered_at FROM membership_current
              WHERE site_id = ? AND segment_id = ? AND visitor_id > ?
              ORDER BY visitor_id LIMIT ?"""
            : """
              SELECT visitor_id, changed_at FROM (
                SELECT DISTINCT ON (visitor_id) visitor_id, transition, changed_at
                FROM membership_history
                WHERE site_id = ? AND segment_id = ? AND visitor_id > ? AND changed_at <= ?
                ORDER BY visitor_id, changed_at DESC, change_id DESC) latest
              WHERE transition = 'ENTERED' ORDER BY visitor_id LIMIT ?""";
    List<Member> items = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, siteId);
      q.setString(2, segmentId);
      q.setString(3, afterVisitor);
      if (at == null) {
        q.setInt(4, limit + 1);
      } else {
        q.setTimestamp(4, Timestamp.from(at));
        q.setInt(5, limit + 1);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          items.add(new Member(rs.getString(1), rs.getTimestamp(2).toInstant()));
        }
      }
    }
    return page(items, limit, last -> Page.cursor(last.visitorId()));
  }

  public record Message(
      String eventId,
      String kind,
      Instant at,
      String sender,
      String text,
      Map<String, String> fields,
      Integer rating) {}

  public record Transcript(
      String chatId,
      String visitorId,
      Instant startedAt,
      Instant endedAt,
      List<String> segmentsAtStart,
      List<Message> events) {}

  /**
   * Chats started in [from, to), optionally only those whose visitor was in {@code segmentId} when
   * the chat started (point in time, from the history), each with its events.
   */
  public Page<Transcript> transcripts(
      String siteId, String segmentId, Instant from, Instant to, int limit, String after)
      throws SQLException {
    Instant afterTime = from;
    String afterChat = "";
    if (after != null) {
      String[] p = Page.parts(after, 2);
      afterTime = cursorTime(p[0]);
      afterChat = p[1];
    }
    String sql =
        """
        SELECT ch.chat_id, ch.visitor_id, ch.started_at, ch.ended_at
        FROM chats ch
        WHERE ch.site_id = ? AND ch.started_at >= ? AND ch.started_at < ?
          AND (ch.started_at, ch.chat_id) > (?, ?)
        """
            + (segmentId == null ? "" : "AND " + IN_SEGMENT_AT_START)
            + " ORDER BY ch.started_at, ch.chat_id LIMIT ?";
    List<Transcript> items = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      try (PreparedStatement q = c.prepareStatement(sql)) {
        int i = 1;
        q.setString(i++, siteId);
        q.setTimestamp(i++, Timestamp.from(from));
        q.setTimestamp(i++, Timestamp.from(to));
        q.setTimestamp(i++, Timestamp.from(afterTime));
        q.setString(i++, afterChat);
        if (segmentId != null) {
          q.setString(i++, segmentId);
        }
        q.setInt(i, limit + 1);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            Timestamp ended = rs.getTimestamp(4);
            items.add(
                new Transcript(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getTimestamp(3).toInstant(),
                    ended == null ? null : ended.toInstant(),
                    List.of(),
                    List.of()));
          }
        }
      }
      List<Transcript> full = new ArrayList<>(items.size());
      for (Transcript t : items) {
        full.add(
            new Transcript(
                t.chatId(),
                t.visitorId(),
                t.startedAt(),
                t.endedAt(),
                segmentsAt(c, siteId, t.visitorId(), t.startedAt()),
                events(c, siteId, t.chatId())));
      }
      return page(full, limit, last -> Page.cursor(last.startedAt().toString(), last.chatId()));
    }
  }

  /** The visitor's latest change of the segment at the chat's start was ENTERED. */
  private static final String IN_SEGMENT_AT_START =
      """
      (SELECT h.transition FROM membership_history h
       WHERE h.site_id = ch.site_id AND h.visitor_id = ch.visitor_id AND h.segment_id = ?
         AND h.changed_at <= ch.started_at
       ORDER BY h.changed_at DESC, h.change_id DESC LIMIT 1) = 'ENTERED'
      """;

  private static List<String> segmentsAt(Connection c, String siteId, String visitorId, Instant at)
      throws SQLException {
    List<String> segments = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            """
            SELECT segment_id FROM (
              SELECT DISTINCT ON (segment_id) segment_id, transition FROM membership_history
              WHERE site_id = ? AND visitor_id = ? AND changed_at <= ?
              ORDER BY segment_id, changed_at DESC, change_id DESC) latest
            WHERE transition = 'ENTERED' ORDER BY segment_id""")) {
      q.setString(1, siteId);
      q.setString(2, visitorId);
      q.setTimestamp(3, Timestamp.from(at));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          segments.add(rs.getString(1));
        }
      }
    }
    return segments;
  }

  private static List<Message> events(Connection c, String siteId, String chatId)
      throws SQLException {
    List<Message> events = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            """
            SELECT event_id, kind, event_time, sender, body, fields, rating FROM chat_events
            WHERE site_id = ? AND chat_id = ? ORDER BY event_time, event_id LIMIT 1000""")) {
      q.setString(1, siteId);
      q.setString(2, chatId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String fields = rs.getString(6);
          int rating = rs.getInt(7);
          events.add(
              new Message(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getTimestamp(3).toInstant(),
                  rs.getString(4),
                  rs.getString(5),
                  fields == null ? null : parse(fields),
                  rs.wasNull() ? null : rating));
        }
      }
    }
    return events;
  }

  private static Map<String, String> parse(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable fields column", e);
    }
  }

  public record MinuteCount(Instant minute, int entered, int exited) {}

  /** ENTERED and EXITED of a segment per minute in [from, to). */
  public List<MinuteCount> minuteCounts(String siteId, String segmentId, Instant from, Instant to)
      throws SQLException {
    List<MinuteCount> counts = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                """
                SELECT minute, entered, exited FROM segment_minute_counts
                WHERE site_id = ? AND segment_id = ? AND minute >= ? AND minute < ?
                ORDER BY minute LIMIT 10080""")) {
      q.setString(1, siteId);
      q.setString(2, segmentId);
      q.setTimestamp(3, Timestamp.from(from));
      q.setTimestamp(4, Timestamp.from(to));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          counts.add(new MinuteCount(rs.getTimestamp(1).toInstant(), rs.getInt(2), rs.getInt(3)));
        }
      }
    }
    return counts;
  }

  /**
   * How a segment (variant null) or one of its invitation variants performed in [from, to).
   *
   * @param entered ENTERED transitions (segment rows; 0 for variant rows, whose invitations are in
   *     {@code invitationsSent})
   * @param responseRate answered invitations (accepted or declined) over invitations sent
   * @param chats chats the entered (or invited) visitors started afterwards in the period
   * @param conversions purchases those visitors made afterwards in the period
   */
  public record Performance(
      String segmentId,
      String variantId,
      long entered,
      long invitationsSent,
      long responses,
      long accepted,
      Double responseRate,
      long chats,
      long conversions) {}

  public List<Performance> performance(String siteId, Instant from, Instant to)
      throws SQLException {
    List<Performance> rows = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      try (PreparedStatement q =
          c.prepareStatement(
              """
              WITH entries AS (
                SELECT segment_id, visitor_id, MIN(changed_at) AS first_entered, COUNT(*) AS n
                FROM membership_history
                WHERE site_id = ? AND transition = 'ENTERED' AND changed_at >= ? AND changed_at < ?
                GROUP BY segment_id, visitor_id)
              SELECT e.segment_id,
                -- each entry row repeats once per chat and purchase joined below: summed apart
                (SELECT SUM(x.n) FROM entries x WHERE x.segment_id = e.segment_id),
                (SELECT COUNT(*) FROM invitations i WHERE i.site_id = ? AND i.segment_id = e.segment_id
                   AND i.created_at >= ? AND i.created_at < ?),
                (SELECT COUNT(*) FROM invitations i WHERE i.site_id = ? AND i.segment_id = e.segment_id
                   AND i.created_at >= ? AND i.created_at < ? AND i.outcome IN ('ACCEPTED', 'DECLINED')),
                (SELECT COUNT(*) FROM invitations i WHERE i.site_id = ? AND i.segment_id = e.segment_id
                   AND i.created_at >= ? AND i.created_at < ? AND i.outcome = 'ACCEPTED'),
                COUNT(DISTINCT ch.chat_id), COUNT(DISTINCT p.event_id)
              FROM entries e
              LEFT JOIN chats ch ON ch.site_id = ? AND ch.visitor_id = e.visitor_id
                AND ch.started_at >= e.first_entered AND ch.started_at < ?
              LEFT JOIN purchases p ON p.site_id = ? AND p.visitor_id = e.visitor_id
                AND p.purchased_at >= e.first_entered AND p.purchased_at < ?
              GROUP BY e.segment_id ORDER BY e.segment_id""")) {
        Object[] params = {
          siteId, from, to, siteId, from, to, siteId, from, to, siteId, from, to, siteId, to,
          siteId, to
        };
        bind(q, params);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(performance(rs, null, rs.getLong(2)));
          }
        }
      }
      try (PreparedStatement q =
          c.prepareStatement(
              """
              WITH invited AS (
                SELECT segment_id, COALESCE(variant_id, '') AS variant, visitor_id, invitation_id,
                       outcome, created_at
                FROM invitations WHERE site_id = ? AND created_at >= ? AND created_at < ?)
              SELECT i.segment_id, i.variant, COUNT(DISTINCT i.invitation_id),
                COUNT(DISTINCT i.invitation_id) FILTER (WHERE i.outcome IN ('ACCEPTED', 'DECLINED')),
                COUNT(DISTINCT i.invitation_id) FILTER (WHERE i.outcome = 'ACCEPTED'),
                COUNT(DISTINCT ch.chat_id), COUNT(DISTINCT p.event_id)
              FROM invited i
              LEFT JOIN chats ch ON ch.site_id = ? AND ch.visitor_id = i.visitor_id
                AND ch.started_at >= i.created_at AND ch.started_at < ?
              LEFT JOIN purchases p ON p.site_id = ? AND p.visitor_id = i.visitor_id
                AND p.purchased_at >= i.created_at AND p.purchased_at < ?
              GROUP BY i.segment_id, i.variant ORDER BY i.segment_id, i.variant""")) {
        bind(q, new Object[] {siteId, from, to, siteId, to, siteId, to});
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(performance(rs, rs.getString(2), 0));
          }
        }
      }
    }
    return rows;
  }

  /** Columns 3-7 of both performance queries: sent, responses, accepted, chats, conversions. */
  private static Performance performance(ResultSet rs, String variant, long entered)
      throws SQLException {
    long sent = rs.getLong(3);
    long responses = rs.getLong(4);
    return new Performance(
        rs.getString(1),
        variant,
        entered,
        sent,
        responses,
        rs.getLong(5),
        sent == 0 ? null : (double) responses / sent,
        rs.getLong(6),
        rs.getLong(7));
  }

  public record Erasure(
      boolean erased,
      Instant requestedAt,
      Instant erasedAt,
      long rowsDeleted,
      long rowsRemaining) {}

  /** Whether a visitor was erased, and proof: the rows left for them in every table. */
  public Erasure erasure(String siteId, String visitorId) throws SQLException {
    try (Connection c = db.getConnection()) {
      long remaining = 0;
      for (String table : HistoryWriter.VISITOR_TABLES) {
        try (PreparedStatement q =
            c.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE site_id = ? AND visitor_id = ?")) {
          q.setString(1, siteId);
          q.setString(2, visitorId);
          try (ResultSet rs = q.executeQuery()) {
            rs.next();
            remaining += rs.getLong(1);
          }
        }
      }
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT requested_at, erased_at, rows_deleted FROM erasures"
                  + " WHERE site_id = ? AND visitor_id = ?")) {
        q.setString(1, siteId);
        q.setString(2, visitorId);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return new Erasure(
                true,
                rs.getTimestamp(1).toInstant(),
                rs.getTimestamp(2).toInstant(),
                rs.getLong(3),
                remaining);
          }
        }
      }
      return new Erasure(false, null, null, 0, remaining);
    }
  }

  private static Instant cursorTime(String text) {
    try {
      Instant time = Instant.parse(text);
      if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
        throw new IllegalArgumentException("invalid cursor");
      }
      return time;
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("invalid cursor");
    }
  }

  /** The times a query may name: PostgreSQL's timestamps reach further, no history does. */
  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private static void bind(PreparedStatement q, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Instant instant) {
        q.setTimestamp(i + 1, Timestamp.from(instant));
      } else {
        q.setString(i + 1, (String) p);
      }
    }
  }

  private static <T> Page<T> page(
      List<T> items, int limit, java.util.function.Function<T, String> cursorOf) {
    if (items.size() <= limit) {
      return new Page<>(items, null);
    }
    List<T> shown = items.subList(0, limit);
    return new Page<>(List.copyOf(shown), cursorOf.apply(shown.get(limit - 1)));
  }
}
