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
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Writes records into the history tables on a connection whose transaction the caller owns. Every
 * insert is keyed (change id, event id, invitation id) and skips what is already there, so a replay
 * of the same records writes nothing twice; derived rows (current members, minute counts, chat
 * times) change only when their source row was actually inserted. Records of an erased visitor up
 * to the erasure time are not written again.
 */
public final class HistoryWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

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
    Instant at = change.getCauseEventTime();
    if (change.getCause() == ChangeCause.ERASURE
        || erasedAt(c, change.getSiteId(), change.getVisitorId(), at)) {
      return; // the erasure removed this visitor's history; do not write it back
    }
    ProfileSnapshot snapshot = change.getSnapshot();
    int inserted;
    try (PreparedStatement insert =
        c.prepareStatement(
            """
            INSERT INTO membership_history (change_id, site_id, visitor_id, segment_id,
              segment_name, rule_version, transition, priority, cause, cause_event_id, changed_at,
              emitted_at, city, country, cart_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (change_id) DO NOTHING""")) {
      insert.setString(1, change.getChangeId());
      insert.setString(2, change.getSiteId());
      insert.setString(3, change.getVisitorId());
      insert.setString(4, change.getSegmentId());
      insert.setString(5, change.getSegmentName());
      setLong(insert, 6, change.getSegmentVersion());
      insert.setString(7, change.getTransition().name());
      setInt(insert, 8, change.getPriority());
      insert.setString(9, change.getCause().name());
      insert.setString(10, change.getCauseEventId());
      insert.setTimestamp(11, Timestamp.from(at));
      insert.setTimestamp(12, Timestamp.from(change.getEmittedAt()));
      insert.setString(13, snapshot == null ? null : snapshot.getCity());
      insert.setString(14, snapshot == null ? null : snapshot.getCountry());
      if (snapshot == null || snapshot.getCartValue() == null) {
        insert.setNull(15, Types.DOUBLE);
      } else {
        insert.setDouble(15, snapshot.getCartValue());
      }
      inserted = insert.executeUpdate();
    }
    if (inserted == 0) {
      return;
    }
    counts.inserted("membership_history", 1);
    boolean entered = change.getTransition() == Transition.ENTERED;
    if (entered) {
      update(
          c,
          """
          INSERT INTO membership_current (site_id, segment_id, visitor_id, entered_at, change_id)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (site_id, segment_id, visitor_id)
          DO UPDATE SET entered_at = EXCLUDED.entered_at, change_id = EXCLUDED.change_id
          WHERE membership_current.entered_at <= EXCLUDED.entered_at""",
          change.getSiteId(),
          change.getSegmentId(),
          change.getVisitorId(),
          Timestamp.from(at),
          change.getChangeId());
    } else {
      update(
          c,
          "DELETE FROM membership_current WHERE site_id = ? AND segment_id = ? AND visitor_id = ?"
              + " AND entered_at <= ?",
          change.getSiteId(),
          change.getSegmentId(),
          change.getVisitorId(),
          Timestamp.from(at));
    }
    update(
        c,
        """
        INSERT INTO segment_minute_counts (site_id, segment_id, minute, entered, exited)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (site_id, segment_id, minute) DO UPDATE SET
          entered = segment_minute_counts.entered + EXCLUDED.entered,
          exited = segment_minute_counts.exited + EXCLUDED.exited""",
        change.getSiteId(),
        change.getSegmentId(),
        Timestamp.from(at.truncatedTo(ChronoUnit.MINUTES)),
        entered ? 1 : 0,
        entered ? 0 : 1);
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
}
