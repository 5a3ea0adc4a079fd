package io.visitorprofiler.notifier.alert;

import java.time.Instant;

/**
 * What an agent is told when a visitor enters a segment: who (label, never raw data beyond the
 * snapshot), which segment with its colour and priority, and whether to pop up and chime (the
 * segment's settings and the agent's mutes).
 *
 * @param id position in the agent's stream, for {@code Last-Event-ID}
 */
public record Alert(
    long id,
    String changeId,
    String siteId,
    String visitorId,
    String visitorLabel,
    String segmentId,
    String segmentName,
    String label,
    String color,
    int priority,
    Instant enteredAt,
    String city,
    String country,
    String currentUrl,
    Double cartValue,
    boolean popup,
    boolean sound) {

  public Alert withId(long next) {
    return new Alert(
        next,
        changeId,
        siteId,
        visitorId,
        visitorLabel,
        segmentId,
        segmentName,
        label,
        color,
        priority,
        enteredAt,
        city,
        country,
        currentUrl,
        cartValue,
        popup,
        sound);
  }
}
