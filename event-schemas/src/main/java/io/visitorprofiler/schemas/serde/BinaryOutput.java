package io.visitorprofiler.schemas.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.util.Utf8;

/**
 * A growing byte array that Avro's binary encoding is written into: zig-zag varints, little-endian
 * floating point, length-prefixed bytes and UTF-8 strings, exactly as Avro's {@code BinaryEncoder}
 * writes them. Not thread-safe: one per value written, or one per thread emptied before each value.
 */
final class BinaryOutput {
  private byte[] buffer;
  private int size;

  BinaryOutput(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  /** Copies the bytes written so far into {@code target} from {@code offset} on. */
  void copyTo(byte[] target, int offset) {
    System.arraycopy(buffer, 0, target, offset, size);
  }

  /** Bytes written so far. */
  int size() {
    return size;
  }

  /** Bytes it can hold before it grows. */
  int capacity() {
    return buffer.length;
  }

  /** Forgets what was written after the first {@code length} bytes. */
  void truncate(int length) {
    if (length < 0 || length > size) {
      throw new IndexOutOfBoundsException("truncate to " + length + " of " + size);
    }
    size = length;
  }

  void writeBoolean(boolean value) {
    ensure(1);
    buffer[size++] = (byte) (value ? 1 : 0);
  }

  /** An Avro int: the same zig-zag varint as a long of the same value. */
  void writeInt(int value) {
    writeLong(value);
  }

  void writeLong(long value) {
    ensure(10);
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      buffer[size++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buffer[size++] = (byte) n;
  }

  void writeFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    ensure(4);
    buffer[size++] = (byte) bits;
    buffer[size++] = (byte) (bits >>> 8);
    buffer[size++] = (byte) (bits >>> 16);
    buffer[size++] = (byte) (bits >>> 24);
  }

  void writeDouble(double value) {
    long bits = Double.doubleToRawLongBits(value);
    ensure(8);
    for (int shift = 0; shift < 64; shift += 8) {
      buffer[size++] = (byte) (bits >>> shift);
    }
  }

  /** Bytes as they are, without a length (a fixed, or a header). */
  void writeFixed(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, size, length);
    size += length;
  }

  /** Length-prefixed bytes (Avro's {@code bytes}). */
  void writeBytes(byte[] bytes, int offset, int length) {
    writeLong(length);
    writeFixed(bytes, offset, length);
  }

  /** The remaining bytes of {@code bytes}, length-prefixed; its position is left as it was. */
  void writeBytes(ByteBuffer bytes) {
    ByteBuffer view = bytes.duplicate();
    int length = view.remaining();
    writeLong(length);
    ensure(length);
    view.get(buffer, size, length);
    size += length;
  }

  /** A string as its length in UTF-8 bytes and those bytes. */
  void writeString(String text) {
    // The JDK's encoder checks a Latin-1 string for non-ASCII bytes with a vectorised intrinsic
    // and copies it whole: no slower than our char-by-char copy into the buffer was, the new array
    // included, and simpler (stream threads' CPU per event at 1,000 rules in the profiler
    // benchmark, alternating runs: 41.9 / 43.0 µs against 43.1 / 45.4 µs).
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    writeBytes(bytes, 0, bytes.length);
  }

  /** A string as its length in UTF-8 bytes and those bytes. */
  void writeString(CharSequence text) {
    if (text instanceof Utf8 utf8) {
      writeBytes(utf8.getBytes(), 0, utf8.getByteLength());
    } else {
      writeString(text.toString());
    }
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }
}
