package io.visitorprofiler.schemas.serde;

import io.visitorprofiler.schemas.registry.SchemaRegistry;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads values in the Confluent wire format into a specific record class, resolving the writer's
 * schema (fetched by id, once) against the class's schema, so old and new versions read alike.
 * Values written with the class's own schema (or one of the same layout) are read by a reader
 * compiled from it ({@link AvroBinaryReader}); those of other versions by Avro's resolving reader.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  static {
    TrustedSchemaClasses.install();
  }

  private final Class<T> type;
  private final Schema readerSchema;
  private SchemaRegistry registry;
  private final AvroBinaryReader compiled;
  private final Map<Integer, Decoding<T>> readers = new ConcurrentHashMap<>();

  /** How values written with one schema id are read. */
  @FunctionalInterface
  private interface Decoding<T> {
    T read(byte[] data, int offset, int length) throws IOException;
  }

  /** For Kafka Streams and code that configures the registry through {@link #configure}. */
  public AvroDeserializer(Class<T> type) {
    this(type, null);
  }

  public AvroDeserializer(Class<T> type, SchemaRegistry registry) {
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
    this.registry = registry;
    this.compiled = compile(readerSchema);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = new SchemaRegistryClient(SchemaRegistryConfig.fromSerdeConfig(configs));
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, data);
    Decoding<T> reader;
    try {
      reader = readers.computeIfAbsent(id, this::readerFor);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot read schema id " + id + " on " + topic + ": " + e.getMessage(), e);
    }
    try {
      return reader.read(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode a "
              + type.getSimpleName()
              + " written with schema id "
              + id
              + " on "
              + topic
              + ": "
              + e,
          e);
    }
  }

  private Decoding<T> readerFor(int id) {
    Schema writer = registry.schemaById(id);
    if (compiled != null && AvroBinaryReader.sameLayout(writer, readerSchema)) {
      return (data, offset, length) -> type.cast(compiled.read(data, offset, length));
    }
    SpecificDatumReader<T> resolving = new SpecificDatumReader<>(writer, readerSchema);
    return (data, offset, length) -> {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, length, null);
      return resolving.read(null, decoder);
    };
  }

  /** The compiled reader of the class's schema, or null where Avro's reader must do. */
  private static AvroBinaryReader compile(Schema schema) {
    try {
      return new AvroBinaryReader(schema);
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }
}
