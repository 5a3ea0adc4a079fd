package io.visitorprofiler.profiler.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A paced phase's events, encoded before its clock starts and held in a few large arrays: keys and
 * values side by side in 16 MiB chunks, their topics, offsets and lengths in primitive arrays. Held
 * as a ProducerRecord, a key String and a value array each, the ~700,000 events of a one-minute
 * phase were millions of live objects, enough to keep G1 marking concurrently through the phase on
 * the cores the topology is measured on. A record is built when it is sent, and dies young.
 */
final class EncodedEvents {
  private static final int CHUNK_BYTES = 16 << 20;

  private final List<String> topics = new ArrayList<>();
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] chunk = new byte[0];
  private int used;
  private int size;
  private byte[] topicOf;
  private int[] chunkOf;
  private int[] offsetOf;
  private short[] keyLengthOf;
  private int[] valueLengthOf;

  EncodedEvents(int expected) {
    topicOf = new byte[expected];
    chunkOf = new int[expected];
    offsetOf = new int[expected];
    keyLengthOf = new short[expected];
    valueLengthOf = new int[expected];
  }

  /** Appends an event; returns its index. */
  int add(String topic, String key, byte[] value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    if (keyBytes.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("key of " + keyBytes.length + " bytes");
    }
    int topicIndex = topics.indexOf(topic);
    if (topicIndex < 0) {
      topics.add(topic);
      topicIndex = topics.size() - 1;
    }
    int length = keyBytes.length + value.length;
    if (used + length > chunk.length) {
      chunk = new byte[Math.max(CHUNK_BYTES, length)];
      chunks.add(chunk);
      used = 0;
    }
    System.arraycopy(keyBytes, 0, chunk, used, keyBytes.length);
    System.arraycopy(value, 0, chunk, used + keyBytes.length, value.length);
    if (size == topicOf.length) {
      int grown = Math.max(16, size * 2);
      topicOf = Arrays.copyOf(topicOf, grown);
      chunkOf = Arrays.copyOf(chunkOf, grown);
      offsetOf = Arrays.copyOf(offsetOf, grown);
      keyLengthOf = Arrays.copyOf(keyLengthOf, grown);
      valueLengthOf = Arrays.copyOf(valueLengthOf, grown);
    }
    topicOf[size] = (byte) topicIndex;
    chunkOf[size] = chunks.size() - 1;
    offsetOf[size] = used;
    keyLengthOf[size] = (short) keyBytes.length;
    valueLengthOf[size] = value.length;
    used += length;
    return size++;
  }

  int size() {
    return size;
  }

  /** Event {@code index} as a record to send, its key and value copied out of the chunk. */
  ProducerRecord<byte[], byte[]> record(int index) {
    byte[] in = chunks.get(chunkOf[index]);
    int keyStart = offsetOf[index];
    int valueStart = keyStart + keyLengthOf[index];
    return new ProducerRecord<>(
        topics.get(topicOf[index]),
        Arrays.copyOfRange(in, keyStart, valueStart),
        Arrays.copyOfRange(in, valueStart, valueStart + valueLengthOf[index]));
  }
}
