package io.visitorprofiler.schemas.serde;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes a value in Avro's binary encoding with a writer compiled once from its schema: a tree of
 * small writers, one per schema node, that reads a record's fields by position and writes straight
 * into a {@link BinaryOutput}. It writes the bytes Avro's {@code SpecificDatumWriter} writes (the
 * tests hold it to that), without the generic model's per-field work: no conversion lookup for
 * fields without a logical type, no union branch looked up by schema name, no stream of single-byte
 * writes. Avro's own writer was a fifth of the gateway's samples under load.
 *
 * <p>Logical types are converted as Avro converts them; {@code timestamp-millis} from an {@link
 * Instant}, the only one our schemas use, without a lookup. A union's branch follows from the
 * value: null, or the one non-null branch, or one learned per class from Avro's own resolution.
 * Thread-safe: the tree is immutable but for the per-class union tables, which are concurrent. A
 * generated record class with a codec written at build time ({@link GeneratedCodec}) is written by
 * that code instead, which this tree is the reference and the fallback for.
 */
final class AvroBinaryWriter {
  static {
    TrustedSchemaClasses.install();
  }

  private final ValueWriter root;
  private final GeneratedCodec generated; // null where the tree writes every value

  AvroBinaryWriter(Schema schema) {
    this(schema, SpecificData.getForSchema(schema));
  }

  AvroBinaryWriter(Schema schema, GenericData model) {
    this(schema, model, GeneratedCodec.of(schema, model));
  }

  private AvroBinaryWriter(Schema schema, GenericData model, GeneratedCodec generated) {
    this.root = new Compiler(model).compile(schema);
    this.generated = generated;
  }

  /** A writer that never uses the generated codec: the reference the codec is tested against. */
  static AvroBinaryWriter interpreting(Schema schema) {
    return new AvroBinaryWriter(schema, SpecificData.getForSchema(schema), null);
  }

  /**
   * Appends the encoding of {@code value}; a value that does not fit the schema is refused. A value
   * of the class a codec was generated for is written by that code; should it fail (a null where
   * the schema has none), what it wrote is dropped and the tree writes the value, which names the
   * field that does not fit.
   */
  void write(Object value, BinaryOutput out) {
    if (generated != null && value != null && value.getClass() == generated.type()) {
      int start = out.size();
      try {
        generated.writer().accept(value, out);
        return;
      } catch (RuntimeException e) {
        out.truncate(start);
      }
    }
    root.write(value, out);
  }

  /** A value that does not fit its schema, with the path of the field that holds it. */
  static final class UnwritableValueException extends AvroRuntimeException {
    private final String path;
    private final String problem;

    UnwritableValueException(String problem) {
      this("", problem);
    }

    private UnwritableValueException(String path, String problem) {
      super(path.isEmpty() ? problem : path + ": " + problem);
      this.path = path;
      this.problem = problem;
    }

    UnwritableValueException within(String field) {
      return new UnwritableValueException(path.isEmpty() ? field : field + "." + path, problem);
    }
  }

  @FunctionalInterface
  private interface ValueWriter {
    void write(Object value, BinaryOutput out);
  }

  private static final class Compiler {
    private final GenericData model;
    private final Map<Schema, RecordWriter> records = new IdentityHashMap<>();

    Compiler(GenericData model) {
      this.model = model;
    }

    ValueWriter compile(Schema schema) {
      ValueWriter raw = raw(schema);
      LogicalType logicalType = schema.getLogicalType();
      return logicalType == null ? raw : converting(schema, logicalType, raw);
    }

    private ValueWriter raw(Schema schema) {
      return switch (schema.getType()) {
        case NULL ->
            (value, out) -> {
              if (value != null) {
                throw unwritable(value, "null");
              }
            };
        case BOOLEAN -> (value, out) -> out.writeBoolean(as(Boolean.class, value, "boolean"));
        case INT -> (value, out) -> out.writeInt(as(Number.class, value, "int").intValue());
        case LONG -> (value, out) -> out.writeLong(as(Number.class, value, "long").longValue());
        case FLOAT -> (value, out) -> out.writeFloat(as(Number.class, value, "float").floatValue());
        case DOUBLE ->
            (value, out) -> out.writeDouble(as(Number.class, value, "double").doubleValue());
        case STRING ->
            (value, out) -> {
              if (value instanceof String text) { // the common case: a check of the exact class
                out.writeString(text);
              } else {
                out.writeString(as(CharSequence.class, value, "string"));
              }
            };
        case BYTES ->
            (value, out) -> {
              switch (value) {
                case ByteBuffer buffer -> out.writeBytes(buffer);
                case byte[] bytes -> out.writeBytes(bytes, 0, bytes.length);
                case null, default -> throw unwritable(value, "bytes");
              }
            };
        case FIXED ->
            (value, out) -> {
              byte[] bytes = as(GenericFixed.class, value, schema.getFullName()).bytes();
              out.writeFixed(bytes, 0, bytes.length);
            };
        case ENUM -> new EnumWriter(schema);
        case ARRAY -> array(compile(schema.getElementType()));
        case MAP -> map(compile(schema.getValueType()));
        case UNION -> union(schema);
        case RECORD -> record(schema);
      };
    }

    private ValueWriter record(Schema schema) {
      RecordWriter known = records.get(schema);
      if (known != null) {
        return known; // a recursive schema: its fields are filled in below
      }
      RecordWriter writer = new RecordWriter(schema);
      records.put(schema, writer);
      List<Schema.Field> fields = schema.getFields();
      ValueWriter[] writers = new ValueWriter[fields.size()];
      for (int i = 0; i < writers.length; i++) {
        writers[i] = compile(fields.get(i).schema());
      }
      writer.fields = writers;
      return writer;
    }

    private static ValueWriter array(ValueWriter element) {
      return (value, out) -> {
        Collection<?> items = as(Collection.class, value, "array");
        if (!items.isEmpty()) {
          out.writeLong(items.size());
          for (Object item : items) {
            element.write(item, out);
          }
        }
        out.writeLong(0);
      };
    }

    private static ValueWriter map(ValueWriter valueWriter) {
      return (value, out) -> {
        Map<?, ?> map = as(Map.class, value, "map");
        if (!map.isEmpty()) {
          out.writeLong(map.size());
          for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (entry.getKey() == null) {
              throw new UnwritableValueException("a map key is null");
            }
            out.writeString(entry.getKey().toString());
            valueWriter.write(entry.getValue(), out);
          }
        }
        out.writeLong(0);
      };
    }

    private ValueWriter union(Schema union) {
      List<Schema> branches = union.getTypes();
      ValueWriter[] writers = new ValueWriter[branches.size()];
      int nullIndex = -1;
      for (int i = 0; i < writers.length; i++) {
        writers[i] = compile(branches.get(i));
        if (branches.get(i).getType() == Schema.Type.NULL) {
          nullIndex = i;
        }
      }
      if (branches.size() == 2 && nullIndex >= 0) {
        int nullAt = nullIndex;
        int valueAt = 1 - nullIndex;
        ValueWriter valueWriter = writers[valueAt];
        return (value, out) -> {
          if (value == null) {
            out.writeInt(nullAt);
          } else {
            out.writeInt(valueAt);
            valueWriter.write(value, out);
          }
        };
      }
      return new UnionWriter(union, writers, nullIndex, model);
    }

    private ValueWriter converting(Schema schema, LogicalType logicalType, ValueWriter raw) {
      boolean millis = logicalType instanceof LogicalTypes.TimestampMillis;
      Map<Class<?>, Conversion<?>> byClass = new ConcurrentHashMap<>();
      return (value, out) -> {
        if (millis && value instanceof Instant instant) {
          out.writeLong(instant.toEpochMilli());
          return;
        }
        Conversion<?> conversion =
            value == null
                ? null
                : byClass.computeIfAbsent(
                    value.getClass(),
                    type -> {
                      Conversion<?> found = model.getConversionByClass(type, logicalType);
                      return found != null ? found : NO_CONVERSION;
                    });
        if (conversion == null || conversion == NO_CONVERSION) {
          raw.write(value, out);
        } else {
          raw.write(Conversions.convertToRawType(value, schema, logicalType, conversion), out);
        }
      };
    }
  }

  /** Stands for "this class has no conversion" in the per-class tables (they hold no nulls). */
  private static final Conversion<Object> NO_CONVERSION =
      new Conversion<>() {
        @Override
        public Class<Object> getConvertedType() {
          return Object.class;
        }

        @Override
        public String getLogicalTypeName() {
          return "none";
        }
      };

  private static final class RecordWriter implements ValueWriter {
    private final String name;
    private final String[] fieldNames;
    private ValueWriter[] fields;

    RecordWriter(Schema schema) {
      this.name = schema.getName();
      this.fieldNames = schema.getFields().stream().map(Schema.Field::name).toArray(String[]::new);
    }

    @Override
    public void write(Object value, BinaryOutput out) {
      if (!(value instanceof IndexedRecord record)) {
        throw unwritable(value, name);
      }
      for (int i = 0; i < fields.length; i++) {
        try {
          fields[i].write(record.get(i), out);
        } catch (UnwritableValueException e) {
          throw e.within(fieldNames[i]);
        }
      }
    }
  }

  private static final class UnionWriter implements ValueWriter {
    private final Schema union;
    private final ValueWriter[] branches;
    private final int nullIndex;
    private final GenericData model;
    private final Map<Class<?>, Integer> byClass = new ConcurrentHashMap<>();

    UnionWriter(Schema union, ValueWriter[] branches, int nullIndex, GenericData model) {
      this.union = union;
      this.branches = branches;
      this.nullIndex = nullIndex;
      this.model = model;
    }

    @Override
    public void write(Object value, BinaryOutput out) {
      int index;
      if (value == null) {
        if (nullIndex < 0) {
          throw unwritable(null, union.toString());
        }
        index = nullIndex;
      } else if (value instanceof GenericContainer
          && !(value instanceof SpecificRecord)
          && !(value instanceof SpecificFixed)) {
        index = model.resolveUnion(union, value); // generic values carry their own schema
      } else {
        Integer known = byClass.get(value.getClass());
        if (known == null) {
          known = model.resolveUnion(union, value); // refuses a value that fits no branch
          byClass.put(value.getClass(), known);
        }
        index = known;
      }
      out.writeInt(index);
      branches[index].write(value, out);
    }
  }

  private static final class EnumWriter implements ValueWriter {
    private final Schema schema;
    private volatile SymbolTable symbols = new SymbolTable(Void.class, new int[0]);

    /** The schema's index of each constant of a Java enum, by ordinal; -1 for one it lacks. */
    private record SymbolTable(Class<?> type, int[] indexByOrdinal) {}

    EnumWriter(Schema schema) {
      this.schema = schema;
    }

    @Override
    public void write(Object value, BinaryOutput out) {
      if (value instanceof Enum<?> symbol) {
        SymbolTable table = symbols;
        if (table.type() != symbol.getDeclaringClass()) {
          table = tableFor(symbol.getDeclaringClass());
        }
        int index = table.indexByOrdinal()[symbol.ordinal()];
        out.writeInt(index >= 0 ? index : symbolIndex(symbol.name()));
      } else if (value != null) {
        out.writeInt(symbolIndex(value.toString()));
      } else {
        throw unwritable(null, schema.getFullName());
      }
    }

    private SymbolTable tableFor(Class<?> type) {
      Object[] constants = type.getEnumConstants();
      int[] indexByOrdinal = new int[constants.length];
      for (int i = 0; i < constants.length; i++) {
        String name = ((Enum<?>) constants[i]).name();
        indexByOrdinal[i] = schema.hasEnumSymbol(name) ? schema.getEnumOrdinal(name) : -1;
      }
      SymbolTable table = new SymbolTable(type, indexByOrdinal);
      symbols = table;
      return table;
    }

    /** The index of {@code symbol}; refused when the schema has no such symbol. */
    private int symbolIndex(String symbol) {
      if (!schema.hasEnumSymbol(symbol)) {
        throw new UnwritableValueException(
            "'" + symbol + "' is not a symbol of " + schema.getFullName());
      }
      return schema.getEnumOrdinal(symbol);
    }
  }

  private static <V> V as(Class<V> type, Object value, String expected) {
    if (!type.isInstance(value)) {
      throw unwritable(value, expected);
    }
    return type.cast(value);
  }

  private static UnwritableValueException unwritable(Object value, String expected) {
    return new UnwritableValueException(
        (value == null ? "null" : "a " + value.getClass().getSimpleName())
            + " where the schema wants "
            + expected);
  }
}
