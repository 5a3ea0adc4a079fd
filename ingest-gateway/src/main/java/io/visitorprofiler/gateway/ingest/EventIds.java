package io.visitorprofiler.gateway.ingest;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for events the tracker sent without one: version 7 UUIDs (RFC 9562), the millisecond of
 * creation followed by 74 random bits, so ids sort by time. An event id names an event, it guards
 * nothing: the random bits come from {@link ThreadLocalRandom}, not from {@link UUID#randomUUID()}
 * whose shared SecureRandom was a visible cost (and a lock) for every event of every batch.
 */
final class EventIds {
  private EventIds() {}

  static String next(long nowMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (nowMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
