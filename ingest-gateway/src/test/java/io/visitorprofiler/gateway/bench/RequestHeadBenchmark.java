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
 * Jetty parsing the load harness's requests (head and a batch of 20 events) one after the other on
 * one kept-alive connection, in nanoseconds per request, with its per-connection header field cache
 * at Jetty's default size (1024, what the services run with) and without it (0). The cache
 * remembers a connection's header lines and looks each new line up in it, character by character,
 * before parsing it: a JFR profile of the load harness made that look expensive, and this measures
 * it alone (session 24: the cache is the cheaper).
 *
 * <p>{@code ./vp bench gateway-pipeline RequestHeadBenchmark}
 */
public class RequestHeadBenchmark extends JmhSettings {
  @Param({"1024", "0"})
  public int headerCacheSize;

  private static final int REQUESTS = 64; // distinct bodies, a power of two

  private final ByteBuffer[] requests = new ByteBuffer[REQUESTS];
  private final CountingHandler handler = new CountingHandler();
  private HttpParser parser;
  private int next;

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
    parser = new HttpParser(handler, 8192, HttpCompliance.RFC9110);
    parser.setHeaderCacheSize(headerCacheSize);
  }

  @Benchmark
  public long parseRequest() {
    ByteBuffer request = requests[next].duplicate();
    next = (next + 1) & (REQUESTS - 1);
    while (!parser.parseNext(request)) {
      if (!request.hasRemaining()) {
        throw new IllegalStateException("request not complete: " + parser.getState());
      }
    }
    parser.reset();
    return handler.fields + handler.contentBytes;
  }
}
