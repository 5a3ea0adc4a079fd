package io.visitorprofiler.schemas.serde;

import io.visitorprofiler.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** A Kafka (Streams) {@link Serde} for one specific record class in the Confluent wire format. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** A serde that builds its registry client in {@link #configure}. */
  public AvroSerde(Class<T> type) {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>(type);
  }

  /** A serde over a given registry, ready to use after {@link #configure}. */
  public AvroSerde(Class<T> type, SchemaRegistry registry, boolean autoRegister) {
    this.serializer = new AvroSerializer<>(registry, autoRegister);
    this.deserializer = new AvroDeserializer<>(type, registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
