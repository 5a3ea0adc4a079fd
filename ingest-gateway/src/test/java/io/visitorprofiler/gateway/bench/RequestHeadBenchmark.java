package io.visitorprofiler.gateway.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Jetty parsing the load harness's requests (head and a batch of 20 events) one after the other, in
 * nanoseconds per request, with its per-connection header field cache at Jetty's default size
 * (1024) and without it (0, what the services run with since session 25), on one kept-alive
 * connection or taking 256 in turn as the harness does. The cache remembers a connection's header
 * lines and looks each new line up in it, character by character, before parsing it: a JFR profile
 * of the load harness made that look expensive, and this measures it alone. Session 24, one
 * connection: the cache is the cheaper. Session 25, 256 connections: their caches no longer stay in
 * the processor's caches, and both take the same time; the cache still allocates less than half.
 *
 * <p>{@code ./vp bench gateway-pipeline RequestHeadBenchmark}
 */
public class RequestHeadBenchmark extends JmhSettings {
  @Param({"1024", "0"})
  public int headerCacheSize;

  /**
   * Kept-alive connections taken in turn, each with its own parser and so its own header cache: one
   * connection keeps its cache in the processor's caches, which a server with many does not.
   */
  @Param({"1", "256"})
  public int connections;

  private static final int REQUESTS = 64; // distinct bodies, a power of two

  private final ByteBuffer[] requests = new ByteBuffer[REQUESTS];
  private final CountingHandler handler = new CountingHandler();
  private HttpParser[] parsers;
  private int next;
  private int connection;

  /** Counts what the parser hands over, as a connection would take it. */
  private static final class CountingHandler implements HttpParser.RequestHandler {
    long fields;
    long contentBytes;

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
      fields += method.length() + uri.length();
    }

    @Override
    public void parsedHeader(HttpField field) {
      fields += field.getValue().length();
    }

    @Override
    public boolean headerComplete() {
      return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
      contentBytes += item.remaining();
      item.position(item.limit());
      return false;
    }

    @Override
    public boolean contentComplete() {
      return false;
    }

    @Override
    public boolean messageComplete() {
      return true; // one request per parse
    }

    @Override
    public void earlyEOF() {
      throw new IllegalStateException("the request ended early");
    }

    @Override
    public void badMessage(HttpException failure) {
      throw new IllegalStateException("Jetty refused the request", (Throwable) failure);
    }
  }

  @Setup
  public void setUp() {
    URI endpoint = URI.create("http://127.0.0.1:8080/v1/events");
    var bodies = new BatchGenerator(42).batches(REQUESTS, EventPipelineBenchmark.EVENTS);
    for (int i = 0; i < REQUESTS; i++) {
      byte[] request =
          LoadLoop.post(
              endpoint,
              GatewayBenchmark.USER_AGENT,
              bodies.get(i).getBytes(StandardCharsets.UTF_8));
      // Jetty reads connections into direct buffers.
      requests[i] = ByteBuffer.allocateDirect(request.length).put(request).flip();
    }
    parsers = new HttpParser[connections];
    for (int c = 0; c < connections; c++) {
      parsers[c] = new HttpParser(handler, 8192, HttpCompliance.RFC9110);
      parsers[c].setHeaderCacheSize(headerCacheSize);
    }
  }

  @Benchmark
  public long parseRequest() {
    ByteBuffer request = requests[next].duplicate();
    next = (next + 1) & (REQUESTS - 1);
    HttpParser parser = parsers[connection];
    connection = connection + 1 == connections ? 0 : connection + 1;
    while (!parser.parseNext(request)) {
      if (!request.hasRemaining()) {
        throw new IllegalStateException("request not complete: " + parser.getState());
      }
    }
    parser.reset();
    return handler.fields + handler.contentBytes;
  }
}
