package io.visitorprofiler.notifier.invite;

import io.visitorprofiler.schemas.InvitationVariant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A/B variants: a visitor always gets the same variant of a segment's invitation (a hash of visitor
 * and segment over the variants' weights), so results per variant are comparable.
 */
public final class VariantChooser {
  private VariantChooser() {}

  /** The chosen variant, or null when the segment has none. */
  public static InvitationVariant choose(
      List<InvitationVariant> variants, String visitorId, String segmentId) {
    if (variants == null || variants.isEmpty()) {
      return null;
    }
    int total = variants.stream().mapToInt(v -> Math.max(0, weight(v))).sum();
    if (total == 0) {
      return variants.get(0);
    }
    CRC32 crc = new CRC32();
    crc.update((visitorId + '\u0000' + segmentId).getBytes(StandardCharsets.UTF_8));
    long point = crc.getValue() % total;
    for (InvitationVariant variant : variants) {
      point -= Math.max(0, weight(variant));
      if (point < 0) {
        return variant;
      }
    }
    return variants.get(variants.size() - 1);
  }

  private static int weight(InvitationVariant v) {
    return v.getWeight();
  }
}
