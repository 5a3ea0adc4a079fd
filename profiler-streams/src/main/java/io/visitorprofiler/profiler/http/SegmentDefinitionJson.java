package io.visitorprofiler.profiler.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.visitorprofiler.runtime.http.ApiError.Problem;
import io.visitorprofiler.schemas.InvitationSettings;
import io.visitorprofiler.schemas.InvitationVariant;
import io.visitorprofiler.schemas.NotifySettings;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A segment definition as the admin API reads and writes it (DESIGN's JSON). {@code segmentId},
 * {@code version} and {@code updatedAt} are set by the service; a client may send them back but
 * they are ignored.
 */
public record SegmentDefinitionJson(
    String segmentId,
    String siteId,
    String name,
    String label,
    String color,
    Integer priority,
    Boolean enabled,
    String condition,
    Integer minDwellSeconds,
    @JsonProperty("notify") Notify alerts,
    Invitation invitation,
    Long version,
    Instant updatedAt,
    String updatedBy) {

  static final Pattern SEGMENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

  /** Who is alerted on entry. */
  public record Notify(
      List<String> agents, List<String> departments, Boolean popup, Boolean sound) {}

  /** The proactive invitation sent on entry. */
  public record Invitation(String message, Integer minutesBetween, List<Variant> variants) {}

  /** An A/B variant of the invitation message. */
  public record Variant(String variantId, String message, Integer weight) {}

  /** Every problem of the request except the condition, which the compiler checks. */
  List<Problem> problems() {
    List<Problem> problems = new ArrayList<>();
    required(problems, "siteId", siteId, 64);
    required(problems, "name", name, 200);
    required(problems, "label", label, 40);
    if (color == null || !COLOR.matcher(color).matches()) {
      problems.add(new Problem("color", "must be a colour as #rrggbb"));
    }
    if (priority == null || priority < 0 || priority > 1000) {
      problems.add(new Problem("priority", "must be a number from 0 to 1000"));
    }
    if (condition == null || condition.isBlank()) {
      problems.add(new Problem("condition", "is required"));
    }
    if (minDwellSeconds != null && (minDwellSeconds < 0 || minDwellSeconds > 86_400)) {
      problems.add(new Problem("minDwellSeconds", "must be from 0 to 86400"));
    }
    if (alerts != null) {
      entries(problems, "notify.agents", alerts.agents());
      entries(problems, "notify.departments", alerts.departments());
    }
    if (invitation != null) {
      required(problems, "invitation.message", invitation.message(), 500);
      if (invitation.minutesBetween() != null && invitation.minutesBetween() < 0) {
        problems.add(new Problem("invitation.minutesBetween", "must not be negative"));
      }
      List<Variant> variants = invitation.variants() == null ? List.of() : invitation.variants();
      for (int i = 0; i < variants.size(); i++) {
        Variant v = variants.get(i);
        if (v == null) {
          problems.add(new Problem("invitation.variants[" + i + "]", "must be an object"));
          continue;
        }
        required(problems, "invitation.variants[" + i + "].variantId", v.variantId(), 40);
        required(problems, "invitation.variants[" + i + "].message", v.message(), 500);
        if (v.weight() != null && v.weight() < 1) {
          problems.add(new Problem("invitation.variants[" + i + "].weight", "must be at least 1"));
        }
      }
    }
    return problems;
  }

  /** Each entry of a list of names (agents, departments) is a name of at most 128 characters. */
  private static void entries(List<Problem> problems, String field, List<String> values) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      required(problems, field + "[" + i + "]", values.get(i), 128);
    }
  }

  private static void required(List<Problem> problems, String field, String value, int max) {
    if (value == null || value.isBlank()) {
      problems.add(new Problem(field, "is required"));
    } else if (value.length() > max) {
      problems.add(new Problem(field, "must be at most " + max + " characters"));
    }
  }

  SegmentDefinition toAvro(String id, long nextVersion, Instant now, String by) {
    return SegmentDefinition.newBuilder()
        .setSegmentId(id)
        .setSiteId(siteId)
        .setName(name)
        .setLabel(label)
        .setColor(color)
        .setPriority(priority)
        .setEnabled(enabled == null || enabled)
        .setCondition(condition)
        .setVersion(nextVersion)
        .setMinDwellSeconds(minDwellSeconds)
        .setNotify(
            alerts == null
                ? null
                : NotifySettings.newBuilder()
                    .setAgents(alerts.agents() == null ? List.of() : alerts.agents())
                    .setDepartments(alerts.departments() == null ? List.of() : alerts.departments())
                    .setPopup(alerts.popup() == null || alerts.popup())
                    .setSound(alerts.sound() != null && alerts.sound())
                    .build())
        .setInvitation(
            invitation == null
                ? null
                : InvitationSettings.newBuilder()
                    .setMessage(invitation.message())
                    .setMinutesBetween(
                        invitation.minutesBetween() == null ? 30 : invitation.minutesBetween())
                    .setVariants(
                        invitation.variants() == null
                            ? List.of()
                            : invitation.variants().stream()
                                .map(
                                    v ->
                                        new InvitationVariant(
                                            v.variantId(),
                                            v.message(),
                                            v.weight() == null ? 1 : v.weight()))
                                .toList())
                    .build())
        .setUpdatedAt(now)
        .setUpdatedBy(by)
        .build();
  }

  static SegmentDefinitionJson from(SegmentDefinition d) {
    NotifySettings n = d.getNotify();
    InvitationSettings i = d.getInvitation();
    return new SegmentDefinitionJson(
        d.getSegmentId(),
        d.getSiteId(),
        d.getName(),
        d.getLabel(),
        d.getColor(),
        d.getPriority(),
        d.getEnabled(),
        d.getCondition(),
        d.getMinDwellSeconds(),
        n == null
            ? null
            : new Notify(n.getAgents(), n.getDepartments(), n.getPopup(), n.getSound()),
        i == null
            ? null
            : new Invitation(
                i.getMessage(),
                i.getMinutesBetween(),
                i.getVariants().stream()
                    .map(v -> new Variant(v.getVariantId(), v.getMessage(), v.getWeight()))
                    .toList()),
        d.getVersion(),
        d.getUpdatedAt(),
        d.getUpdatedBy());
  }
}
