package io.visitorprofiler.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id as a big-endian
 * int, then the Avro binary encoding of the value.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the 5-byte header into the start of {@code target}. */
  public static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }

  /** The schema id of a framed value, after checking the header. */
  public static int schemaId(String topic, byte[] data) {
    if (data.length < HEADER_SIZE) {
      throw new SerializationException(
          "record on "
              + topic
              + " is "
              + data.length
              + " bytes, too short for the Confluent wire format (at least "
              + HEADER_SIZE
              + ")");
    }
    if (data[0] != MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "record on %s starts with byte 0x%02x, not the magic byte 0 of the Confluent wire"
                  + " format",
              topic, data[0]));
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
