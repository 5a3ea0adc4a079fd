package io.visitorprofiler.profiler.segment;

import io.visitorprofiler.profiler.rules.SegmentRule;
import java.util.List;

/**
 * The position of each of a site's rules by segment id, looked up once per membership on every
 * evaluation. An open-addressing table of the ids' hashes and positions in one {@code long[]} (16
 * KiB for 1,000 rules): a lookup reads one or two adjacent slots and then compares the id once,
 * where a {@code HashMap} follows a node, its key and the key's bytes for every probe, memory that
 * other threads have long since evicted from the cache (14 % of the stream threads' samples at
 * 1,000 rules were that lookup).
 */
final class RulePositions {
  static final RulePositions EMPTY = of(List.of());

  private final long[] slots; // hash in the high half, position + 1 in the low half; 0 is empty
  private final String[] ids; // by position, to confirm a hash match
  private final int mask;

  private RulePositions(long[] slots, String[] ids) {
    this.slots = slots;
    this.ids = ids;
    this.mask = slots.length - 1;
  }

  /** Indexes rules given in evaluation order (a rule's position is its index in the list). */
  static RulePositions of(List<SegmentRule> rules) {
    // At most half full, so that a missing id ends its probe at an empty slot soon.
    int capacity = Integer.highestOneBit(Math.max(4, rules.size() * 2 - 1)) << 1;
    long[] slots = new long[capacity];
    String[] ids = new String[rules.size()];
    for (int position = 0; position < rules.size(); position++) {
      String id = rules.get(position).segmentId();
      ids[position] = id;
      int hash = id.hashCode();
      int i = spread(hash) & (capacity - 1);
      while (slots[i] != 0) {
        i = (i + 1) & (capacity - 1);
      }
      slots[i] = ((long) hash << 32) | (position + 1);
    }
    return new RulePositions(slots, ids);
  }

  /** The position of the segment's rule, or -1 when the site has no rule with this id. */
  int of(String segmentId) {
    int hash = segmentId.hashCode();
    for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      if ((int) (slot >>> 32) == hash) {
        int position = (int) slot - 1;
        if (ids[position].equals(segmentId)) {
          return position;
        }
      }
    }
  }

  /** Segment ids share long prefixes and differ in their last characters: mix the high bits in. */
  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
