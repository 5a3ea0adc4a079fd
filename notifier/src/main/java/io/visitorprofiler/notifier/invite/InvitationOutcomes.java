package io.visitorprofiler.notifier.invite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.InvitationResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Records how visitors answered invitations ({@code invitation_response} events coming back through
 * the gateway): {@code vp.notifier.invitations.answered{segment,variant,outcome}}. The segment and
 * variant of an invitation are learnt from the invitation topic, so answers to invitations another
 * instance sent are counted too.
 */
public final class InvitationOutcomes {
  private record Sent(String segmentId, String variantId) {}

  private final Cache<String, Sent> sent =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(1_000_000).build();
  private final Cache<String, Boolean> answered =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(1_000_000).build();
  private final MeterRegistry metrics;

  public InvitationOutcomes(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  public void sent(Invitation invitation) {
    sent.put(
        invitation.getInvitationId(),
        new Sent(invitation.getSegmentId(), invitation.getVariantId()));
  }

  public void event(ClickstreamEvent event) {
    if (!(event.getPayload() instanceof InvitationResponse response)) {
      return;
    }
    Sent invitation = sent.getIfPresent(response.getInvitationId());
    if (invitation == null
        || answered.asMap().putIfAbsent(response.getInvitationId(), Boolean.TRUE) != null) {
      return; // not ours to know, or answered already (the first answer counts)
    }
    Counter.builder("vp.notifier.invitations.answered")
        .tag("segment", invitation.segmentId())
        .tag("variant", invitation.variantId() == null ? "" : invitation.variantId())
        .tag("outcome", response.getResponse().name().toLowerCase(Locale.ROOT))
        .register(metrics)
        .increment();
  }
}
