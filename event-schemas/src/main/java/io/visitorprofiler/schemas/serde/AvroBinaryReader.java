package io.visitorprofiler.schemas.serde;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.Utf8;

/**
 * Reads a value in Avro's binary encoding with a reader compiled once from its schema: a tree of
 * small readers, one per schema node, that builds the record Avro's {@code SpecificDatumReader}
 * builds (the same classes, strings, enums, {@code Instant}s; the tests hold it to that) without
 * the resolving decoder's per-field work. Avro's reader was a quarter of the profiler's stream
 * thread: it decodes each event and the visitor's stored profile.
 *
 * <p>It reads only what was written with the schema it was compiled from, or one of the same binary
 * layout ({@link #sameLayout}); values written with another version of the schema are resolved by
 * Avro's reader. A schema that names Java classes of its own ({@code java-class}) is refused with
 * {@link UnsupportedOperationException}, for Avro's reader to handle. Thread-safe: the tree is
 * immutable. A generated record class with a codec written at build time ({@link GeneratedCodec})
 * is read by that code instead, which this tree is the reference for.
 */
final class AvroBinaryReader {
  static {
    TrustedSchemaClasses.install();
  }

  private final ValueReader root;

  AvroBinaryReader(Schema schema) {
    this(schema, SpecificData.getForSchema(schema));
  }

  AvroBinaryReader(Schema schema, GenericData model) {
    this(schema, model, GeneratedCodec.of(schema, model));
  }

  private AvroBinaryReader(Schema schema, GenericData model, GeneratedCodec generated) {
    this.root = generated != null ? generated.reader()::apply : new Compiler(model).compile(schema);
  }

  /** A reader that never uses the generated codec: the reference the codec is tested against. */
  static AvroBinaryReader interpreting(Schema schema) {
    return new AvroBinaryReader(schema, SpecificData.getForSchema(schema), null);
  }

  /**
   * Whether bytes written with {@code writer} read alike with {@code reader}: their parsing
   * canonical forms, which keep every name, type and order that shapes the encoding, are the same.
   */
  static boolean sameLayout(Schema writer, Schema reader) {
    return writer == reader
        || SchemaNormalization.parsingFingerprint64(writer)
            == SchemaNormalization.parsingFingerprint64(reader);
  }

  /** The value encoded in {@code length} bytes from {@code offset}; malformed input is refused. */
  Object read(byte[] data, int offset, int length) {
    return root.read(new BinaryInput(data, offset, length));
  }

  @FunctionalInterface
  private interface ValueReader {
    Object read(BinaryInput in);
  }

  private static final class Compiler {
    private final GenericData model;
    private final Map<Schema, RecordReader> records;

    Compiler(GenericData model) {
      this(model, new IdentityHashMap<>());
    }

    private Compiler(GenericData model, Map<Schema, RecordReader> records) {
      this.model = model;
      this.records = records;
    }

    ValueReader compile(Schema schema) {
      for (String own : List.of("java-class", "java-key-class", "java-element-class")) {
        if (schema.getProp(own) != null) {
          throw new UnsupportedOperationException(schema.getFullName() + " names a " + own);
        }
      }
      ValueReader raw = raw(schema);
      LogicalType logicalType = schema.getLogicalType();
      Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
      if (conversion == null) {
        return raw;
      }
      if (logicalType instanceof LogicalTypes.TimestampMillis
          && conversion.getConvertedType() == Instant.class) {
        return in -> Instant.ofEpochMilli(in.readLong());
      }
      return in -> Conversions.convertToLogicalType(raw.read(in), schema, logicalType, conversion);
    }

    private ValueReader raw(Schema schema) {
      return switch (schema.getType()) {
        case NULL -> in -> null;
        case BOOLEAN -> BinaryInput::readBoolean;
        case INT -> BinaryInput::readInt;
        case LONG -> BinaryInput::readLong;
        case FLOAT -> BinaryInput::readFloat;
        case DOUBLE -> BinaryInput::readDouble;
        case STRING -> string(schema);
        case BYTES -> in -> ByteBuffer.wrap(in.readBytes());
        case FIXED -> in -> model.createFixed(null, in.readFixed(schema.getFixedSize()), schema);
        case ENUM -> enumeration(schema);
        case ARRAY -> array(compile(schema.getElementType()));
        case MAP -> map(string(schema), compile(schema.getValueType()));
        case UNION -> union(schema);
        case RECORD -> record(schema);
      };
    }

    /** A String where the schema asks for one (as our generated classes do), else a Utf8. */
    private static ValueReader string(Schema schema) {
      if ("String".equals(schema.getProp(GenericData.STRING_PROP))) {
        return BinaryInput::readString;
      }
      return in -> new Utf8(in.readStringBytes());
    }

    private ValueReader enumeration(Schema schema) {
      List<String> names = schema.getEnumSymbols();
      Object[] symbols = new Object[names.size()];
      for (int i = 0; i < symbols.length; i++) {
        symbols[i] = model.createEnum(names.get(i), schema);
      }
      return in -> {
        int index = in.readInt();
        if (index < 0 || index >= symbols.length) {
          throw new BinaryInput.MalformedInputException(
              "symbol " + index + " of " + schema.getFullName() + ", which has " + symbols.length);
        }
        return symbols[index];
      };
    }

    private static ValueReader array(ValueReader element) {
      return in -> {
        int count = in.readBlockCount();
        // Sized by the first block, but never past what is left: a corrupt count allocates nothing.
        List<Object> items = new ArrayList<>(Math.min(count, in.remaining()));
        while (count > 0) {
          for (int i = 0; i < count; i++) {
            items.add(element.read(in));
          }
          count = in.readBlockCount();
        }
        return items;
      };
    }

    private static ValueReader map(ValueReader key, ValueReader value) {
      return in -> {
        int count = in.readBlockCount();
        Map<Object, Object> map = new HashMap<>();
        while (count > 0) {
          for (int i = 0; i < count; i++) {
            Object k = key.read(in);
            map.put(k, value.read(in));
          }
          count = in.readBlockCount();
        }
        return map;
      };
    }

    private ValueReader union(Schema union) {
      List<Schema> types = union.getTypes();
      ValueReader[] branches = new ValueReader[types.size()];
      for (int i = 0; i < branches.length; i++) {
        branches[i] = compile(types.get(i));
      }
      return in -> {
        int index = in.readInt();
        if (index < 0 || index >= branches.length) {
          throw new BinaryInput.MalformedInputException(
              "branch " + index + " of a union of " + branches.length);
        }
        return branches[index].read(in);
      };
    }

    private ValueReader record(Schema schema) {
      RecordReader known = records.get(schema);
      if (known != null) {
        return known; // a recursive schema: its fields are filled in below
      }
      Class<?> generated =
          model instanceof SpecificData specific ? specific.getClass(schema) : null;
      RecordReader reader = new RecordReader(newRecord(schema, generated));
      records.put(schema, reader);
      // A generated class converts its fields' logical types with its own model, as Avro does.
      Compiler fieldCompiler = this;
      if (generated != null) {
        GenericData own = SpecificData.getForSchema(schema);
        if (own != model) {
          fieldCompiler = new Compiler(own, records);
        }
      }
      List<Schema.Field> fields = schema.getFields();
      ValueReader[] readers = new ValueReader[fields.size()];
      for (int i = 0; i < readers.length; i++) {
        readers[i] = fieldCompiler.compile(fields.get(i).schema());
      }
      reader.fields = readers;
      return reader;
    }

    /** The generated class's constructor as a Supplier, or a generic record. */
    @SuppressWarnings("unchecked")
    private static Supplier<IndexedRecord> newRecord(Schema schema, Class<?> type) {
      if (type == null || !IndexedRecord.class.isAssignableFrom(type)) {
        return () -> new GenericData.Record(schema);
      }
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class));
        CallSite site =
            LambdaMetafactory.metafactory(
                lookup,
                "get",
                MethodType.methodType(Supplier.class),
                MethodType.methodType(Object.class),
                constructor,
                MethodType.methodType(type));
        return (Supplier<IndexedRecord>) site.getTarget().invoke();
      } catch (Throwable e) {
        throw new UnsupportedOperationException(
            "cannot construct " + type.getName() + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class RecordReader implements ValueReader {
    private final Supplier<IndexedRecord> factory;
    private ValueReader[] fields;

    RecordReader(Supplier<IndexedRecord> factory) {
      this.factory = factory;
    }

    @Override
    public Object read(BinaryInput in) {
      IndexedRecord record = factory.get();
      for (int i = 0; i < fields.length; i++) {
        record.put(i, fields[i].read(in));
      }
      return record;
    }
  }
}
