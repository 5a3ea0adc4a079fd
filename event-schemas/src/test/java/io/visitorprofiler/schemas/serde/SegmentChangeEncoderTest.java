package io.visitorprofiler.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.schemas.ChangeCause;
import io.visitorprofiler.schemas.ProfileSnapshot;
import io.visitorprofiler.schemas.SampleRecords;
import io.visitorprofiler.schemas.SegmentBadge;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.schemas.registry.InMemorySchemaRegistry;
import io.visitorprofiler.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SegmentChangeEncoderTest {
  private static final String TOPIC = Topics.SEGMENT_CHANGES.name();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerializer<SegmentChange> serializer = serializer(registry);
  private final SegmentChangeEncoder encoder = new SegmentChangeEncoder(serializer, TOPIC);

  @Test
  void changesSharingTheirTailAreEncodedAsTheSerializerEncodesEachOfThem() {
    SplittableRandom random = new SplittableRandom(7);
    for (int evaluation = 0; evaluation < 500; evaluation++) {
      List<SegmentChange> changes = evaluation(random, 1 + random.nextInt(12));

      List<byte[]> encoded = encoder.encode(changes);

      assertThat(encoded).hasSameSizeAs(changes);
      for (int i = 0; i < changes.size(); i++) {
        assertThat(encoded.get(i)).isEqualTo(serializer.serialize(TOPIC, changes.get(i)));
      }
    }
  }

  @Test
  void aChangeThatDiffersInOneSharedFieldGetsItsOwnBytes() {
    SegmentChange base = SampleRecords.entered("v-1");
    List<Consumer<SegmentChange>> oneSharedFieldEach =
        List.of(
            c -> c.setCause(ChangeCause.TIMER),
            c -> c.setCauseEventId("e-other"),
            c -> c.setCauseEventId(null),
            c -> c.setCauseEventTime(c.getCauseEventTime().plusMillis(1)),
            c -> c.setEmittedAt(c.getEmittedAt().plusMillis(1)),
            c -> c.setTopSegments(List.of()),
            c -> c.setSnapshot(ProfileSnapshot.newBuilder(c.getSnapshot()).setVisits(9).build()));

    for (Consumer<SegmentChange> change : oneSharedFieldEach) {
      SegmentChange variant = sameObjects(base);
      change.accept(variant);
      List<byte[]> encoded = encoder.encode(List.of(base, variant));

      assertThat(encoded.get(0)).isEqualTo(serializer.serialize(TOPIC, base));
      assertThat(encoded.get(1))
          .isEqualTo(serializer.serialize(TOPIC, variant))
          .isNotEqualTo(serializer.serialize(TOPIC, base));
    }
  }

  @Test
  void theSchemaIsTheOneTheEncoderWasWrittenFor() {
    assertThat(SchemaNormalization.parsingFingerprint64(SegmentChange.getClassSchema()))
        .isEqualTo(SegmentChangeEncoder.LAYOUT);
  }

  @Test
  void theSchemaIsRegisteredUnderTheTopicsSubjectAndReadBack() {
    SegmentChange change = SampleRecords.entered("v-1");

    byte[] value = encoder.encode(List.of(change)).getFirst();

    int id = registry.latest(TOPIC + "-value").id();
    assertThat(value[0]).isZero();
    assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(id);
    AvroDeserializer<SegmentChange> reader = new AvroDeserializer<>(SegmentChange.class, registry);
    reader.configure(Map.of(), false);
    assertThat(reader.deserialize(TOPIC, value)).isEqualTo(change);
  }

  @Test
  void aChangeThatDoesNotFitTheSchemaIsRefusedByField() {
    SegmentChange change = SampleRecords.entered("v-1");
    change.setSegmentName(null);

    assertThatThrownBy(() -> encoder.encode(List.of(SampleRecords.entered("v-2"), change)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("segmentName");
  }

  @Test
  void aNullSharedFieldIsRefusedByField() {
    SegmentChange change = SampleRecords.entered("v-1");
    change.setSnapshot(null);

    assertThatThrownBy(() -> encoder.encode(List.of(change)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("snapshot");
  }

  @Test
  void noChangesNeedNoRegistry() {
    AvroSerializer<SegmentChange> unconfigured = new AvroSerializer<>();

    assertThat(new SegmentChangeEncoder(unconfigured, TOPIC).encode(List.of())).isEmpty();
  }

  /** Changes as one evaluation makes them: the shared fields are the same objects. */
  private static List<SegmentChange> evaluation(SplittableRandom random, int count) {
    List<SegmentBadge> top = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      top.add(new SegmentBadge("seg-" + i, "Name ✓ " + i, "Label é", "#0000" + i + "0", i * 7));
    }
    boolean identified = random.nextBoolean();
    ProfileSnapshot snapshot =
        new ProfileSnapshot(
            random.nextBoolean() ? "São Paulo" : null,
            "BR",
            "https://shop.example/p/" + random.nextInt(1000),
            identified ? 12.5 * random.nextInt(10) : null,
            identified ? "BRL" : null,
            random.nextInt(100),
            identified ? "Zoë 😀" : null);
    Instant causeTime = Instant.ofEpochMilli(1_790_000_000_000L + random.nextInt(1 << 30));
    Instant emittedAt = causeTime.plusMillis(random.nextInt(500));
    ChangeCause cause = ChangeCause.values()[random.nextInt(ChangeCause.values().length)];
    String causeEventId = random.nextInt(5) == 0 ? null : "e-" + random.nextLong();
    List<SegmentChange> changes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String segment = "segment-" + random.nextInt(1000);
      Transition transition = random.nextBoolean() ? Transition.ENTERED : Transition.EXITED;
      changes.add(
          new SegmentChange(
              "v-9:" + segment + ":" + i + ":" + transition,
              "v-9",
              "site-ü",
              segment,
              "Segment " + segment,
              (long) random.nextInt(1 << 20) << random.nextInt(40),
              transition,
              random.nextInt(Integer.MIN_VALUE, Integer.MAX_VALUE),
              cause,
              causeEventId,
              causeTime,
              emittedAt,
              top,
              snapshot));
    }
    return changes;
  }

  /** A copy holding the same objects (a builder would copy them deeply). */
  private static SegmentChange sameObjects(SegmentChange c) {
    return new SegmentChange(
        c.getChangeId(),
        c.getVisitorId(),
        c.getSiteId(),
        c.getSegmentId(),
        c.getSegmentName(),
        c.getSegmentVersion(),
        c.getTransition(),
        c.getPriority(),
        c.getCause(),
        c.getCauseEventId(),
        c.getCauseEventTime(),
        c.getEmittedAt(),
        c.getTopSegments(),
        c.getSnapshot());
  }

  private static AvroSerializer<SegmentChange> serializer(InMemorySchemaRegistry registry) {
    AvroSerializer<SegmentChange> serializer = new AvroSerializer<>(registry, true);
    serializer.configure(Map.of(), false);
    return serializer;
  }
}
