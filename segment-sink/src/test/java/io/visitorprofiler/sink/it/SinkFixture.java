package io.visitorprofiler.sink.it;

import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatMessage;
import io.visitorprofiler.schemas.ChatSender;
import io.visitorprofiler.schemas.ChatStarted;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Records as the profiler and the gateway write them, for the sink's tests. */
final class SinkFixture {
  private SinkFixture() {}

  static SegmentChange change(
      String site, String visitor, String segment, Transition transition, Instant at) {
    return new SegmentChange(
        site + ":" + visitor + ":" + segment + ":" + transition + ":" + at.toEpochMilli(),
        visitor,
        site,
        segment,
        segment + " name",
        1L,
        transition,
        10,
        ChangeCause.EVENT,
        "e-" + at.toEpochMilli(),
        at,
        at.plusMillis(5),
        List.of(),
        new ProfileSnapshot("Miami", "US", "https://shop.test/", 24.0, "USD", 2, null));
  }

  static EventContext context(Instant at) {
    return new EventContext(
        at,
        at,
        0L,
        "203.0.113.0",
        null,
        new Device("desktop", "Linux", "Chrome", false),
        new Geo("US", "FL", "Miami", null, null),
        null,
        new Privacy(false, false, false),
        null);
  }

  static ChatEvent chat(
      String site,
      String visitor,
      String chatId,
      String eventId,
      Instant at,
      SpecificRecord payload) {
    return new ChatEvent(eventId, site, visitor, chatId, at, context(at), payload);
  }

  static ChatEvent message(
      String site, String visitor, String chatId, String eventId, Instant at, String text) {
    return chat(
        site, visitor, chatId, eventId, at, new ChatMessage(null, ChatSender.VISITOR, null, text));
  }

  static ChatEvent started(String site, String visitor, String chatId, Instant at) {
    return chat(site, visitor, chatId, chatId + "-start", at, new ChatStarted("agent-1"));
  }

  static ClickstreamEvent click(
      String site, String visitor, String eventId, Instant at, SpecificRecord payload) {
    return new ClickstreamEvent(eventId, site, visitor, at, context(at), payload);
  }
}
