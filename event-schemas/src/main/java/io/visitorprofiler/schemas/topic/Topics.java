package io.visitorprofiler.schemas.topic;

import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.DeadLetter;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.List;

/** Every topic of the pipeline; partition counts and configs live in {@code deploy/topics.yaml}. */
public final class Topics {
  public static final Topic<ClickstreamEvent> CLICKSTREAM =
      new Topic<>("vp.clickstream.v1", ClickstreamEvent.class);
  public static final Topic<ChatEvent> CHAT = new Topic<>("vp.chat.v1", ChatEvent.class);
  public static final Topic<SegmentDefinition> SEGMENT_DEFINITIONS =
      new Topic<>("vp.segment-definitions.v1", SegmentDefinition.class);
  public static final Topic<SegmentChange> SEGMENT_CHANGES =
      new Topic<>("vp.segment-changes.v1", SegmentChange.class);
  public static final Topic<Invitation> INVITATIONS =
      new Topic<>("vp.invitations.v1", Invitation.class);
  public static final Topic<DeadLetter> DEAD_LETTER =
      new Topic<>("vp.dead-letter.v1", DeadLetter.class);
  public static final Topic<ErasureRequest> ERASURE_REQUESTS =
      new Topic<>("vp.erasure-requests.v1", ErasureRequest.class);

  public static final List<Topic<?>> ALL =
      List.of(
          CLICKSTREAM,
          CHAT,
          SEGMENT_DEFINITIONS,
          SEGMENT_CHANGES,
          INVITATIONS,
          DEAD_LETTER,
          ERASURE_REQUESTS);

  private Topics() {}
}
