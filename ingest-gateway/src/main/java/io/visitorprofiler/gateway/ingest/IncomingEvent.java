package io.visitorprofiler.gateway.ingest;

import org.apache.avro.specific.SpecificRecord;

/**
 * One valid event of a batch, read but not yet enriched.
 *
 * @param index position in the posted batch
 * @param payload the type's Avro payload record (PageView, CartUpdated, ChatMessage, ...)
 * @param clientTime the client's timestamp in epoch milliseconds, or null when it sent none
 * @param chatId the chat it belongs to (chat events), or null
 * @param url the page the event happened on when the client said so, or null
 * @param timezone IANA time zone reported by the tracker, or null
 * @param language browser language reported by the tracker, or null
 * @param optedOut the visitor has opted out of profiling on this site
 */
public record IncomingEvent(
    int index,
    EventType type,
    String eventId,
    String visitorId,
    Long clientTime,
    SpecificRecord payload,
    String chatId,
    String url,
    String referrer,
    String timezone,
    String language,
    boolean optedOut) {}
