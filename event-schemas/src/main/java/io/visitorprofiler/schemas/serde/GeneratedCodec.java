package io.visitorprofiler.schemas.serde;

import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's binary encoding of one generated record class, as Java code written at build time from the
 * record's schema ({@code src/build/java/AvroCodecGenerator.java}, into {@code GeneratedCodecs}):
 * the class's getters and setters called directly, field after field, where the compiled {@link
 * AvroBinaryWriter} and {@link AvroBinaryReader} walk a tree of small writers and readers. They
 * remain the reference, and the fallback: for generic records, other classes, other layouts, and
 * for the precise error a value that does not fit its schema deserves.
 *
 * @param type the generated class
 * @param fingerprint the parsing fingerprint of the schema the code was generated from
 */
record GeneratedCodec(
    Class<?> type,
    long fingerprint,
    BiConsumer<Object, BinaryOutput> writer,
    Function<BinaryInput, Object> reader) {

  /**
   * The codec for values of {@code schema} in {@code model}, or null: there is one only for a
   * specific record whose class the model maps the schema to, generated from a schema of the same
   * layout.
   */
  static GeneratedCodec of(Schema schema, GenericData model) {
    if (schema.getType() != Schema.Type.RECORD || !(model instanceof SpecificData specific)) {
      return null;
    }
    Class<?> type = specific.getClass(schema);
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    for (GeneratedCodec codec : GeneratedCodecs.ALL) {
      if (codec.type() == type && codec.fingerprint() == fingerprint) {
        return codec;
      }
    }
    return null;
  }
}
