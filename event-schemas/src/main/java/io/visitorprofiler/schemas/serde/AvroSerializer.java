package io.visitorprofiler.schemas.serde;

import io.visitorprofiler.schemas.registry.SchemaRegistry;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format. The subject is the topic name plus
 * {@code -value} (or {@code -key}); the schema is registered on first use unless {@code
 * auto.register.schemas} is false, in which case it must already be registered.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  public static final String AUTO_REGISTER = "auto.register.schemas";

  static {
    TrustedSchemaClasses.install();
  }

  private SchemaRegistry registry;
  private boolean isKey;
  private boolean autoRegister = true;
  private final Map<Schema, AvroBinaryWriter> writers = new ConcurrentHashMap<>();

  /** For Kafka to instantiate; {@link #configure} builds the registry client. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistry registry, boolean autoRegister) {
    this.registry = registry;
    this.autoRegister = autoRegister;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (registry == null) {
      registry = new SchemaRegistryClient(SchemaRegistryConfig.fromSerdeConfig(configs));
    }
    Object auto = configs.get(AUTO_REGISTER);
    if (auto != null) {
      autoRegister = Boolean.parseBoolean(auto.toString());
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = data.getSchema();
    String subject = Subjects.of(topic, isKey);
    int id;
    try {
      id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot write " + schema.getFullName() + " to " + topic + ": " + e.getMessage(), e);
    }
    BinaryOutput out = new BinaryOutput(512);
    byte[] header = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(header, id);
    out.writeFixed(header, 0, header.length);
    try {
      writers.computeIfAbsent(schema, AvroBinaryWriter::new).write(data, out);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getFullName() + " for " + topic + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
