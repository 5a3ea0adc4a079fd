package io.visitorprofiler.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;

/**
 * Reads Avro's binary encoding from a byte array, as Avro's {@code BinaryDecoder} reads it: zig-zag
 * varints, little-endian floating point, length-prefixed bytes and UTF-8 strings, and the blocks of
 * arrays and maps. Every length is checked against what is left, so a truncated or corrupt value is
 * refused with a {@link MalformedInputException} rather than read past its end or allocated at a
 * size it claims. Not thread-safe: one per value read.
 */
final class BinaryInput {
  private final byte[] buffer;
  private final int limit;
  private int position;

  BinaryInput(byte[] buffer, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buffer.length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + " of " + buffer.length);
    }
    this.buffer = buffer;
    this.position = offset;
    this.limit = offset + length;
  }

  /** A value that is not Avro's binary encoding of its schema. */
  static final class MalformedInputException extends AvroRuntimeException {
    MalformedInputException(String message) {
      super(message);
    }
  }

  boolean readBoolean() {
    require(1);
    return buffer[position++] == 1;
  }

  int readInt() {
    int n = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      require(1);
      int b = buffer[position++] & 0xFF;
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new MalformedInputException("an int longer than five bytes");
  }

  long readLong() {
    long n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      require(1);
      long b = buffer[position++] & 0xFF;
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new MalformedInputException("a long longer than ten bytes");
  }

  float readFloat() {
    return Float.intBitsToFloat(readFixedInt());
  }

  double readDouble() {
    int low = readFixedInt();
    int high = readFixedInt();
    return Double.longBitsToDouble((((long) high) << 32) | (low & 0xFFFFFFFFL));
  }

  String readString() {
    int length = readLength("string");
    String text = new String(buffer, position, length, StandardCharsets.UTF_8);
    position += length;
    return text;
  }

  /** A string's UTF-8 bytes, undecoded (for a {@code Utf8}). */
  byte[] readStringBytes() {
    return readFixed(readLength("string"));
  }

  byte[] readBytes() {
    return readFixed(readLength("bytes"));
  }

  byte[] readFixed(int size) {
    require(size);
    byte[] bytes = Arrays.copyOfRange(buffer, position, position + size);
    position += size;
    return bytes;
  }

  /**
   * The item count of the next block of an array or map, 0 at the end. A negative count is followed
   * by the block's size in bytes, which is not needed here.
   */
  int readBlockCount() {
    long count = readLong();
    if (count < 0) {
      readLong();
      count = -count;
    }
    if (count < 0 || count > Integer.MAX_VALUE) {
      throw new MalformedInputException("a block of " + count + " items");
    }
    return (int) count;
  }

  /** Bytes left to read. */
  int remaining() {
    return limit - position;
  }

  private int readFixedInt() {
    require(4);
    int value =
        (buffer[position] & 0xFF)
            | (buffer[position + 1] & 0xFF) << 8
            | (buffer[position + 2] & 0xFF) << 16
            | (buffer[position + 3] & 0xFF) << 24;
    position += 4;
    return value;
  }

  private int readLength(String what) {
    long length = readLong();
    if (length < 0 || length > limit - position) {
      throw new MalformedInputException(
          "a " + what + " of " + length + " bytes where " + (limit - position) + " are left");
    }
    return (int) length;
  }

  private void require(int bytes) {
    if (bytes < 0 || bytes > limit - position) {
      throw new MalformedInputException(
          "the value ends early: " + bytes + " more bytes wanted, " + (limit - position) + " left");
    }
  }
}
