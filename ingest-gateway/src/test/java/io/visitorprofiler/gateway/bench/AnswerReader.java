package io.visitorprofiler.gateway.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads HTTP/1.1 answers from a non-blocking connection as their bytes arrive, in any pieces, just
 * far enough to know each one's status and where it ends (Content-Length or chunked); the body is
 * skipped. One answer at a time: the load harness never has two requests out on a connection.
 */
final class AnswerReader {
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] LINE_END = {'\r', '\n'};

  private byte[] data = new byte[1024];
  private int length;

  /**
   * Reads what {@code channel} has now: the answer's status once the whole answer is in, else 0.
   *
   * @throws EOFException when the connection closed inside an answer
   * @throws IOException when what arrived is not an HTTP/1.1 answer
   */
  int readFrom(ReadableByteChannel channel) throws IOException {
    boolean arrived = length > 0; // bytes of the next answer, read with the one before
    while (true) {
      if (arrived) {
        int status = completeAnswer();
        if (status != 0) {
          return status;
        }
      }
      if (length == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      int read = channel.read(ByteBuffer.wrap(data, length, data.length - length));
      if (read < 0) {
        throw new EOFException("connection closed inside an answer");
      }
      if (read == 0) {
        return 0;
      }
      length += read;
      arrived = true;
    }
  }

  /** The status of the answer at the start of the buffer once it is complete (and drops it). */
  private int completeAnswer() throws IOException {
    int headEnd = indexOf(HEAD_END, 0);
    if (headEnd < 0) {
      return 0;
    }
    String head = new String(data, 0, headEnd, StandardCharsets.US_ASCII);
    String[] lines = head.split("\r\n");
    if (!lines[0].startsWith("HTTP/1.1 ") || lines[0].length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + lines[0]);
    }
    int status;
    try {
      status = Integer.parseInt(lines[0].substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP/1.1 status line: " + lines[0], e);
    }
    long contentLength = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      }
    }
    int bodyStart = headEnd + HEAD_END.length;
    long end;
    if (chunked) {
      end = chunkedEnd(bodyStart);
    } else if (contentLength >= 0) {
      end = bodyStart + contentLength;
    } else if (status / 100 == 1 || status == 204 || status == 304) {
      end = bodyStart;
    } else {
      throw new IOException("answer without Content-Length or chunked encoding");
    }
    if (end < 0 || end > length) {
      return 0;
    }
    System.arraycopy(data, (int) end, data, 0, length - (int) end);
    length -= (int) end;
    return status;
  }

  /** Where a chunked body starting at {@code from} ends, or -1 when it has not all arrived. */
  private long chunkedEnd(int from) throws IOException {
    int at = from;
    while (true) {
      int lineEnd = indexOf(LINE_END, at);
      if (lineEnd < 0) {
        return -1;
      }
      String sizeLine = new String(data, at, lineEnd - at, StandardCharsets.US_ASCII);
      int extension = sizeLine.indexOf(';');
      long size;
      try {
        size =
            Long.parseLong(
                (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("not a chunk size: " + sizeLine, e);
      }
      at = lineEnd + 2;
      if (size == 0) {
        // Trailer lines, then an empty line.
        while (true) {
          int trailerEnd = indexOf(LINE_END, at);
          if (trailerEnd < 0) {
            return -1;
          }
          boolean empty = trailerEnd == at;
          at = trailerEnd + 2;
          if (empty) {
            return at;
          }
        }
      }
      if (at + size + 2 > length) {
        return -1;
      }
      at += (int) size + 2;
    }
  }

  /** The first place at or after {@code from} where {@code pattern} is, or -1. */
  private int indexOf(byte[] pattern, int from) {
    outer:
    for (int i = from; i + pattern.length <= length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
