package io.visitorprofiler.schemas.serde;

import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.SchemaNormalization;

/**
 * Encodes the segment changes of one evaluation in the wire format, byte for byte as {@link
 * AvroSerializer} encodes each of them. The changes of one evaluation share their cause, cause
 * event, times, top three and snapshot: the schema's last six fields, most of a record's strings.
 * Where a change holds the same objects there as the change before it, the bytes encoded for that
 * one are copied instead of encoding them again (at 1,000 rules an event makes 5.8 changes in the
 * profiler benchmark; decision 18).
 *
 * <p>The fields are written here in the schema's order and types: the constructor checks the
 * schema's parsing fingerprint (names, types and order) against the one this code was written for,
 * so that a changed schema fails at start-up (and in this class's test) rather than writing records
 * a reader misreads. Thread-safe.
 */
public final class SegmentChangeEncoder {
  /**
   * The parsing fingerprint of the {@code SegmentChange} schema this class writes: changeId,
   * visitorId, siteId, segmentId, segmentName, segmentVersion, transition, priority, then the
   * fields one evaluation's changes share: cause, causeEventId, causeEventTime, emittedAt,
   * topSegments, snapshot.
   */
  static final long LAYOUT = 288814996541217605L;

  private final AvroSerializer<SegmentChange> serializer;
  private final String topic;
  private final AvroBinaryWriter badge = new AvroBinaryWriter(SegmentBadge.getClassSchema());
  private final AvroBinaryWriter snapshot = new AvroBinaryWriter(ProfileSnapshot.getClassSchema());

  /**
   * @param serializer a configured serializer of the topic's values: it registers (or looks up) the
   *     schema on first use, as it does for its own records
   */
  public SegmentChangeEncoder(AvroSerializer<SegmentChange> serializer, String topic) {
    long layout = SchemaNormalization.parsingFingerprint64(SegmentChange.getClassSchema());
    if (layout != LAYOUT) {
      throw new IllegalStateException(
          "SegmentChange's schema is not the one SegmentChangeEncoder writes (parsing fingerprint "
              + layout
              + ", not "
              + LAYOUT
              + "): write its new fields there");
    }
    this.serializer = serializer;
    this.topic = topic;
  }

  /** The changes' values in the wire format, in the same order. */
  public List<byte[]> encode(List<SegmentChange> changes) {
    if (changes.isEmpty()) {
      return List.of();
    }
    byte[] header = serializer.header(topic, SegmentChange.getClassSchema()); // not written to
    List<byte[]> encoded = new ArrayList<>(changes.size());
    BinaryOutput head = new BinaryOutput(256);
    byte[] shared = null;
    SegmentChange sharedBy = null;
    for (SegmentChange change : changes) {
      try {
        if (sharedBy == null || !sharesTail(change, sharedBy)) {
          shared = tail(change);
          sharedBy = change;
        }
        head.truncate(0);
        writeHead(change, head);
      } catch (RuntimeException e) {
        // A value that does not fit the schema (a null where it has none): the serializer names
        // the field in its error.
        encoded.add(serializer.serialize(topic, change));
        sharedBy = null;
        continue;
      }
      byte[] value = Arrays.copyOf(header, header.length + head.size() + shared.length);
      head.copyTo(value, header.length);
      System.arraycopy(shared, 0, value, header.length + head.size(), shared.length);
      encoded.add(value);
    }
    return encoded;
  }

  private static boolean sharesTail(SegmentChange a, SegmentChange b) {
    return a.getCause() == b.getCause()
        && a.getCauseEventId() == b.getCauseEventId()
        && a.getCauseEventTime() == b.getCauseEventTime()
        && a.getEmittedAt() == b.getEmittedAt()
        && a.getTopSegments() == b.getTopSegments()
        && a.getSnapshot() == b.getSnapshot();
  }

  private static void writeHead(SegmentChange change, BinaryOutput out) {
    out.writeString(change.getChangeId());
    out.writeString(change.getVisitorId());
    out.writeString(change.getSiteId());
    out.writeString(change.getSegmentId());
    out.writeString(change.getSegmentName());
    out.writeLong(change.getSegmentVersion());
    out.writeInt(change.getTransition().ordinal());
    out.writeInt(change.getPriority());
  }

  private byte[] tail(SegmentChange change) {
    BinaryOutput out = new BinaryOutput(512);
    out.writeInt(change.getCause().ordinal());
    if (change.getCauseEventId() == null) {
      out.writeInt(0);
    } else {
      out.writeInt(1);
      out.writeString(change.getCauseEventId());
    }
    out.writeLong(change.getCauseEventTime().toEpochMilli());
    out.writeLong(change.getEmittedAt().toEpochMilli());
    List<SegmentBadge> top = change.getTopSegments();
    if (!top.isEmpty()) {
      out.writeLong(top.size());
      for (SegmentBadge b : top) {
        badge.write(b, out);
      }
    }
    out.writeLong(0);
    snapshot.write(change.getSnapshot(), out);
    return out.toByteArray();
  }
}
