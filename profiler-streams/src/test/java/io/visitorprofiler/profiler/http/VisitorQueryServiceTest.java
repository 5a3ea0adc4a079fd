package io.visitorprofiler.profiler.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.profile.ProfileSettings;
import io.visitorprofiler.profiler.profile.ProfileUpdater;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.runtime.http.UnansweredInstances;
import io.visitorprofiler.schemas.VisitorProfile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The online visitors of a site over two instances' in-memory visitors (ProfilerIT: the real). */
class VisitorQueryServiceTest {
  private static final String TOKEN = "test-admin-token";
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final HttpClient client = HttpClient.newHttpClient();
  private ServiceHttpServer server;
  private ServiceHttpServer other;

  /** This instance holds v-1 and v-3; the other one, which it asks, v-2 (the newest). */
  @BeforeEach
  void start() {
    other =
        server(
            new InMemoryVisitors(
                List.of(ProfileUpdater.newProfile("v-2", "demo", NOW.minusSeconds(10))),
                List.of()));
    server =
        server(
            new InMemoryVisitors(
                List.of(
                    ProfileUpdater.newProfile("v-1", "demo", NOW.minusSeconds(30)),
                    ProfileUpdater.newProfile("v-3", "demo", NOW.minusSeconds(20))),
                List.of("127.0.0.1:" + other.port())));
  }

  @AfterEach
  void stop() {
    server.close();
    other.close();
  }

  @Test
  void theOnlineVisitorsOfAllInstancesAreMergedNewestFirstUpToTheLimit() throws Exception {
    assertThat(visitorIds(online("?limit=2"))).containsExactly("v-2", "v-3");
    assertThat(visitorIds(online("?limit=1"))).containsExactly("v-2");
    assertThat(visitorIds(online("?limit=1000"))).containsExactly("v-2", "v-3", "v-1");
    assertThat(visitorIds(online(""))).containsExactly("v-2", "v-3", "v-1");
  }

  @Test
  void instancesThatDoNotAnswerAreNamedAndTheOthersVisitorsStillListed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    // An instance that refuses the connection, one that answers with an error (another token).
    ServiceHttpServer wrongToken =
        TestServers.serving(
            new VisitorQueryService(
                new InMemoryVisitors(List.of(), List.of()),
                new SegmentRuleBook(),
                ProfileSettings.DEFAULTS,
                "another-token",
                Clock.fixed(NOW, ZoneOffset.UTC)));
    String gone = "127.0.0.1:" + closedPort;
    String erring = "127.0.0.1:" + wrongToken.port();
    try (ServiceHttpServer asking =
        server(
            new InMemoryVisitors(
                List.of(ProfileUpdater.newProfile("v-1", "demo", NOW.minusSeconds(30))),
                List.of(gone, "127.0.0.1:" + other.port(), erring)))) {
      HttpResponse<String> answer = online(asking, "");

      assertThat(visitorIds(answer)).containsExactly("v-2", "v-1");
      assertThat(answer.headers().firstValue(UnansweredInstances.HEADER))
          .contains(gone + "," + erring);
      assertThat(online("").headers().firstValue(UnansweredInstances.HEADER)).isEmpty();
    } finally {
      wrongToken.close();
    }
  }

  @Test
  void everyOtherInstanceIsAskedAtOnceNotOneAfterAnother() throws Exception {
    // Each of two instances answers only once both have been asked: asked one after the other, the
    // first would wait for the second until its time ran out and be named as unanswered.
    // The time allowed is generous: asked one after another, the first waits for 10 s whatever it.
    CountDownLatch bothAsked = new CountDownLatch(2);
    try (ServiceHttpServer first = server(rendezvous("v-4", bothAsked));
        ServiceHttpServer second = server(rendezvous("v-5", bothAsked));
        ServiceHttpServer asking =
            server(
                new InMemoryVisitors(
                    List.of(ProfileUpdater.newProfile("v-1", "demo", NOW.minusSeconds(30))),
                    List.of("127.0.0.1:" + first.port(), "127.0.0.1:" + second.port())),
                Duration.ofSeconds(8))) {
      HttpResponse<String> answer = online(asking, "");

      assertThat(answer.headers().firstValue(UnansweredInstances.HEADER)).isEmpty();
      assertThat(visitorIds(answer)).containsExactlyInAnyOrder("v-1", "v-4", "v-5");
    }
  }

  @Test
  void anInstanceThatTakesTheConnectionButNeverAnswersIsNamedAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      assertListedWithoutTheInstanceAt(silent.getLocalPort());
    }
  }

  @Test
  @Timeout(30) // the list without a deadline of its own waits for the stalled body for ever
  void anInstanceThatStallsInTheMiddleOfItsAnswerIsNamedAfterTheTimeout() throws Exception {
    // Java's HTTP client times a request until the answer's headers (before JDK 26): a body that
    // stops coming must be timed by the list itself.
    try (ServerSocket stalling = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket peer = stalling.accept()) {
                  peer.getOutputStream()
                      .write(
                          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  + "Content-Length: 1000\r\n\r\n[{\"visitorId\":")
                              .getBytes(StandardCharsets.US_ASCII));
                  peer.getOutputStream().flush();
                  peer.getInputStream().read(new byte[8192]); // the request; then nothing more
                  Thread.sleep(60_000);
                } catch (Exception e) {
                  // the test is over
                }
              });
      assertListedWithoutTheInstanceAt(stalling.getLocalPort());
    }
  }

  /**
   * The list of an instance that asks the one at {@code port} and the other (v-2), each for 500 ms:
   * its own visitor and v-2, and the one at {@code port} named as unanswered.
   */
  private void assertListedWithoutTheInstanceAt(int port) throws Exception {
    String unanswering = "127.0.0.1:" + port;
    try (ServiceHttpServer asking =
        server(
            new InMemoryVisitors(
                List.of(ProfileUpdater.newProfile("v-1", "demo", NOW.minusSeconds(30))),
                List.of(unanswering, "127.0.0.1:" + other.port())),
            Duration.ofMillis(500))) {
      HttpResponse<String> answer = online(asking, "");

      assertThat(visitorIds(answer)).containsExactly("v-2", "v-1");
      assertThat(answer.headers().firstValue(UnansweredInstances.HEADER)).contains(unanswering);
    }
  }

  /** An instance with one online visitor that answers once {@code asked} has counted down to 0. */
  private static VisitorQueries rendezvous(String visitorId, CountDownLatch asked) {
    InMemoryVisitors visitors =
        new InMemoryVisitors(
            List.of(ProfileUpdater.newProfile(visitorId, "demo", NOW.minusSeconds(5))), List.of());
    return new VisitorQueries() {
      @Override
      public Optional<VisitorProfile> localProfile(String id) {
        return visitors.localProfile(id);
      }

      @Override
      public Optional<String> remoteOwner(String id) {
        return visitors.remoteOwner(id);
      }

      @Override
      public List<VisitorProfile> localOnline(String siteId, int limit) {
        asked.countDown();
        try {
          if (!asked.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other instance was not asked meanwhile");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return visitors.localOnline(siteId, limit);
      }

      @Override
      public List<String> otherInstances() {
        return visitors.otherInstances();
      }
    };
  }

  @Test
  void aLimitThatIsNoIntegerFromOneToAThousandIsRefusedNotClamped() throws Exception {
    for (String limit : List.of("abc", "0", "1001", "2.5", "")) {
      HttpResponse<String> answer = online("?limit=" + limit);

      assertThat(answer.statusCode()).as(limit).isEqualTo(400);
      assertThat(ServiceHttpServer.JSON.readTree(answer.body()).get("error").asText())
          .as(limit)
          .isEqualTo("limit must be an integer from 1 to 1000");
    }
  }

  private static List<String> visitorIds(HttpResponse<String> answer) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return ServiceHttpServer.JSON.readTree(answer.body()).findValuesAsText("visitorId");
  }

  private static ServiceHttpServer server(VisitorQueries visitors) {
    return server(visitors, VisitorQueryService.PEER_TIMEOUT);
  }

  private static ServiceHttpServer server(VisitorQueries visitors, Duration peerTimeout) {
    return TestServers.serving(
        new VisitorQueryService(
            visitors,
            new SegmentRuleBook(),
            ProfileSettings.DEFAULTS,
            TOKEN,
            Clock.fixed(NOW, ZoneOffset.UTC),
            peerTimeout));
  }

  private HttpResponse<String> online(String query) throws Exception {
    return online(server, query);
  }

  private HttpResponse<String> online(ServiceHttpServer instance, String query) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + instance.port()
                        + "/v1/sites/demo/visitors/online"
                        + query))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
