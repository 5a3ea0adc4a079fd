package io.visitorprofiler.profiler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EncodedEventsTest {
  @Test
  void givesBackEveryEventAsAddedAcrossChunksAndTopics() {
    Random random = new Random(3);
    EncodedEvents events = new EncodedEvents(4); // grows past what was expected
    int count = 70_000; // ~35 MB of values: three chunks
    for (int i = 0; i < count; i++) {
      assertThat(events.add(topic(i), "visitor-" + i, value(i, random))).isEqualTo(i);
    }
    assertThat(events.size()).isEqualTo(count);
    Random again = new Random(3);
    for (int i = 0; i < count; i++) {
      ProducerRecord<byte[], byte[]> record = events.record(i);
      assertThat(record.topic()).isEqualTo(topic(i));
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("visitor-" + i);
      assertThat(record.value()).isEqualTo(value(i, again));
    }
  }

  @Test
  void aValueLargerThanAChunkGetsAChunkOfItsOwn() {
    EncodedEvents events = new EncodedEvents(2);
    byte[] large = new byte[(16 << 20) + 5];
    large[large.length - 1] = 7;
    events.add("a", "k", new byte[] {1});
    events.add("a", "k", large);
    events.add("a", "k", new byte[] {2});
    assertThat(events.record(1).value()).isEqualTo(large);
    assertThat(events.record(2).value()).containsExactly(2);
  }

  private static String topic(int i) {
    return i % 3 == 0 ? "vp.chat.v1" : "vp.clickstream.v1";
  }

  private static byte[] value(int i, Random random) {
    byte[] value = new byte[200 + random.nextInt(400)];
    random.nextBytes(value);
    return value;
  }
}
