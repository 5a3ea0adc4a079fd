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
  private final Map<String, Map<Schema, Target>> targets = new ConcurrentHashMap<>();

  /**
   * What writing a schema to a topic needs, found on its first record rather than on every one: the
   * wire-format header with the registered id, and the compiled writer.
   */
  private record Target(byte[] header, AvroBinaryWriter writer) {}

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
    Target target = target(topic, schema);
    BinaryOutput out = SCRATCH.get();
    out.truncate(0);
    out.writeFixed(target.header(), 0, WireFormat.HEADER_SIZE);
    try {
      target.writer().write(data, out);
      return out.toByteArray();
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getFullName() + " for " + topic + ": " + e.getMessage(), e);
    } finally {
      if (out.capacity() > KEPT_SCRATCH_BYTES) {
        SCRATCH.remove(); // one large record does not keep its buffer for the thread's life
      }
    }
  }

  /**
   * Where a thread writes its records before they are copied out at their exact size: a buffer of
   * its own instead of a new one of 512 bytes per record, which grew once on the way to a page
   * view's 400 to 600 (the gateway's EventPipelineBenchmark.encode, two forks each: 1,662 bytes
   * allocated and 256 ± 27 ns per event before, 1,003 bytes and 226 ± 12 ns after, the strings' own
   * bytes included). Stream threads keep theirs; each request of the gateway runs on a virtual
   * thread of its own, whose buffer serves that request's batch.
   */
  private static final ThreadLocal<BinaryOutput> SCRATCH =
      ThreadLocal.withInitial(() -> new BinaryOutput(1024));

  private static final int KEPT_SCRATCH_BYTES = 64 * 1024;

  /**
   * The wire-format header of {@code schema} on {@code topic}, registered (or looked up) on first
   * use, like {@link #serialize}. The array is the serializer's own: read it, do not write to it.
   */
  byte[] header(String topic, Schema schema) {
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    return target(topic, schema).header();
  }

  private Target target(String topic, Schema schema) {
    Map<Schema, Target> bySchema = targets.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    Target target = bySchema.get(schema);
    if (target == null) {
      target = targetFor(topic, schema);
      bySchema.put(schema, target);
    }
    return target;
  }

  /** Registers (or looks up) the schema under the topic's subject; a failure is not remembered. */
  private Target targetFor(String topic, Schema schema) {
    int id;
    try {
      String subject = Subjects.of(topic, isKey);
      id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot write " + schema.getFullName() + " to " + topic + ": " + e.getMessage(), e);
    }
    byte[] header = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(header, id);
    return new Target(header, writers.computeIfAbsent(schema, AvroBinaryWriter::new));
  }
}
