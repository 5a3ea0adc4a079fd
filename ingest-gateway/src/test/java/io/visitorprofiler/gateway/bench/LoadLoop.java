package io.visitorprofiler.gateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The load harness's keep-alive HTTP/1.1 connections, all driven by the calling thread through one
 * selector, as load tools drive theirs (wrk, h2load): requests are bytes prepared before the run,
 * each connection has at most one request out (no pipelining, as a browser), and an answer is read
 * just far enough to know its status and where it ends. A thread or virtual thread per connection,
 * as before, cost the cores the gateway under test competes for: each answer woke a parked thread
 * (session 25: a {@code perf} profile put 32 % of the machine's CPU in the kernel under the
 * carriers of the virtual threads, a third of it waking and parking them).
 */
final class LoadLoop implements AutoCloseable {
  /** Where the requests come from; asked on the loop's thread whenever a connection is free. */
  interface Source {
    /**
     * The number of the next request to send (it sends {@code requests[number % requests.size()]}),
     * or -1 when there is none now.
     */
    int next();

    /** True once {@link #next} will never give a request again. */
    boolean exhausted();
  }

  /** Told of each answer on the loop's thread: the request's number, the status, when it ended. */
  interface Answered {
    void answer(int request, int status, long nanoTime);
  }

  private final Selector selector;
  private final List<Connection> connections = new ArrayList<>();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private int unopened;

  /**
   * Opens {@code count} connections to {@code endpoint}; one that fails is counted, not retried.
   */
  LoadLoop(URI endpoint, int count) throws IOException {
    selector = Selector.open();
    InetSocketAddress address = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
    for (int c = 0; c < count; c++) {
      try {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
        connections.add(connection);
        idle.add(connection);
      } catch (IOException e) {
        unopened++;
      }
    }
  }

  /** Connections that could not be opened. */
  int unopened() {
    return unopened;
  }

  /** Makes a running {@link #run} look at its source again (any thread). */
  void wakeup() {
    selector.wakeup();
  }

  /**
   * Sends {@code requests} as {@code source} names them on the free connections until the source is
   * exhausted and every request sent is answered. A connection that fails is closed and not used
   * again, and its request is answered with status -1.
   */
  void run(List<byte[]> requests, Source source, Answered answered) throws IOException {
    int outstanding = 0;
    while (true) {
      for (Connection c = idle.peek(); c != null; c = idle.peek()) {
        int request = source.next();
        if (request < 0) {
          break;
        }
        idle.poll();
        outstanding++;
        if (!c.send(request, requests.get(request % requests.size()))) {
          outstanding--;
          fail(c, answered);
        }
      }
      if (outstanding == 0 && source.exhausted()) {
        return;
      }
      if (outstanding == 0 && connections.isEmpty()) {
        throw new IOException("every connection to the gateway failed");
      }
      selector.select();
      Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
      while (ready.hasNext()) {
        SelectionKey key = ready.next();
        ready.remove();
        Connection c = (Connection) key.attachment();
        int status;
        try {
          if (key.isValid() && key.isWritable()) {
            c.write();
          }
          status = key.isValid() && key.isReadable() ? c.read() : 0;
        } catch (IOException e) {
          if (c.request >= 0) {
            outstanding--;
          }
          fail(c, answered);
          continue;
        }
        if (status != 0) {
          outstanding--;
          int request = c.request;
          c.request = -1;
          idle.add(c);
          answered.answer(request, status, System.nanoTime());
        }
      }
    }
  }

  private void fail(Connection c, Answered answered) {
    connections.remove(c);
    idle.remove(c);
    c.close();
    if (c.request >= 0) {
      answered.answer(c.request, -1, System.nanoTime());
      c.request = -1;
    }
  }

  @Override
  public void close() throws IOException {
    connections.forEach(Connection::close);
    selector.close();
  }

  /** A complete POST request (headers and body) for {@code endpoint}, built once per body. */
  static byte[] post(URI endpoint, String userAgent, byte[] body) {
    String head =
        "POST "
            + endpoint.getRawPath()
            + " HTTP/1.1\r\nHost: "
            + endpoint.getHost()
            + ':'
            + endpoint.getPort()
            + "\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\nUser-Agent: "
            + userAgent
            + "\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** One connection: the request it is sending or waiting on, and the answer read so far. */
  private static final class Connection {
    final SocketChannel channel;
    SelectionKey key;
    ByteBuffer out;
    int request = -1;
    final AnswerReader answer = new AnswerReader();

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    /** Starts sending; false when the connection failed. */
    boolean send(int index, byte[] bytes) {
      request = index;
      out = ByteBuffer.wrap(bytes);
      try {
        write();
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    /** Writes what the socket takes; waits for it to take more when it took less. */
    void write() throws IOException {
      channel.write(out);
      boolean more = out.hasRemaining();
      if (more != ((key.interestOps() & SelectionKey.OP_WRITE) != 0)) {
        key.interestOps(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      }
    }

    /** Reads what arrived: the answer's status once it is complete, else 0. */
    int read() throws IOException {
      if (request < 0) {
        // Nothing asked: the server closing an idle connection, or bytes it should not send.
        ByteBuffer unexpected = ByteBuffer.allocate(256);
        throw new IOException(
            channel.read(unexpected) < 0 ? "closed by the server" : "answer without a request");
      }
      return answer.readFrom(channel);
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
