package io.visitorprofiler.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The load harness reads answers as a non-blocking connection hands them over: in pieces. */
class AnswerReaderTest {
  private static final String ACCEPTED =
      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
          + "{\"accepted\":20}\n";

  @Test
  void anAnswerInOnePieceIsCompleteAtOnce() throws IOException {
    Pieces channel = new Pieces(ACCEPTED);

    assertThat(new AnswerReader().readFrom(channel)).isEqualTo(202);
  }

  @Test
  void anAnswerArrivingByteByByteIsCompleteOnlyWithItsLastByte() throws IOException {
    Pieces channel = Pieces.byteByByte(ACCEPTED);
    AnswerReader reader = new AnswerReader();

    for (int i = 0; i < ACCEPTED.length() - 1; i++) {
      channel.next();
      assertThat(reader.readFrom(channel)).as("after %d bytes", i + 1).isZero();
    }
    channel.next();
    assertThat(reader.readFrom(channel)).isEqualTo(202);
  }

  @Test
  void answersOneAfterTheOtherOnAConnectionAreEachRead() throws IOException {
    String rejected = "HTTP/1.1 400 Bad Request\r\ncontent-length: 2000\r\n\r\n" + "x".repeat(2000);
    Pieces channel = new Pieces(ACCEPTED, rejected, ACCEPTED);
    AnswerReader reader = new AnswerReader();

    assertThat(reader.readFrom(channel)).isEqualTo(202);
    assertThat(reader.readFrom(channel)).isEqualTo(400);
    assertThat(reader.readFrom(channel)).isEqualTo(202);
  }

  @Test
  void aChunkedAnswerEndsWithItsLastChunkAndTrailers() throws IOException {
    String chunked =
        "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nbusy \r\n7\r\nretry.\n\r\n0\r\nX-Trailer: yes\r\n\r\n";
    Pieces channel = Pieces.byteByByte(chunked);
    AnswerReader reader = new AnswerReader();

    int status = 0;
    for (int i = 0; i < chunked.length(); i++) {
      assertThat(status).as("complete before byte %d", i).isZero();
      channel.next();
      status = reader.readFrom(channel);
    }
    assertThat(status).isEqualTo(503);
  }

  @Test
  void anAnswerWithoutALengthIsRefused() {
    Pieces channel = new Pieces("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello");

    assertThatThrownBy(() -> new AnswerReader().readFrom(channel))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without Content-Length");
  }

  @Test
  void somethingElseThanHttpIsRefused() {
    Pieces channel = new Pieces("SSH-2.0-OpenSSH_9.6\r\n\r\n");

    assertThatThrownBy(() -> new AnswerReader().readFrom(channel))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not an HTTP/1.1 status line");
  }

  @Test
  void aConnectionClosedInsideAnAnswerFails() {
    Pieces channel = new Pieces(ACCEPTED.substring(0, 40));
    channel.closeWhenEmpty = true;

    assertThatThrownBy(
            () -> {
              AnswerReader reader = new AnswerReader();
              reader.readFrom(channel);
              reader.readFrom(channel);
            })
        .isInstanceOf(EOFException.class);
  }

  /** A non-blocking channel that has the pieces made available to it so far, then nothing (0). */
  private static final class Pieces implements ReadableByteChannel {
    private final Deque<byte[]> waiting = new ArrayDeque<>();
    private ByteBuffer available = ByteBuffer.allocate(0);
    boolean closeWhenEmpty;

    /** All of {@code answers} available at once. */
    Pieces(String... answers) {
      available = ByteBuffer.wrap(String.join("", answers).getBytes(StandardCharsets.US_ASCII));
    }

    /** Nothing available until {@link #next} makes the next byte of {@code answer} so. */
    static Pieces byteByByte(String answer) {
      Pieces pieces = new Pieces();
      for (byte b : answer.getBytes(StandardCharsets.US_ASCII)) {
        pieces.waiting.add(new byte[] {b});
      }
      return pieces;
    }

    void next() {
      ByteBuffer more = ByteBuffer.allocate(available.remaining() + waiting.peek().length);
      more.put(available).put(waiting.poll()).flip();
      available = more;
    }

    @Override
    public int read(ByteBuffer into) {
      if (!available.hasRemaining()) {
        return closeWhenEmpty ? -1 : 0;
      }
      int count = Math.min(into.remaining(), available.remaining());
      into.put(available.slice(available.position(), count));
      available.position(available.position() + count);
      return count;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
