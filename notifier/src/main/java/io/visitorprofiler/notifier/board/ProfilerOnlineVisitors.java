package io.visitorprofiler.notifier.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.runtime.http.BoundedHttp;
import io.visitorprofiler.runtime.http.UnansweredInstances;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online visitors of the sites as profiler-streams knows them ({@code GET
 * /v1/sites/{site}/visitors/online}, merged across its instances), including visitors who are in no
 * segment yet. When the profiler does not answer, the console keeps the list it builds from segment
 * changes; when some of its instances do not, the others' visitors are shown and the gap logged.
 */
public final class ProfilerOnlineVisitors {
  private static final Logger log = LoggerFactory.getLogger(ProfilerOnlineVisitors.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final URI profiler;
  private final String adminToken;
  private final List<String> sites;
  private final Clock clock;
  private volatile boolean warned;

  public ProfilerOnlineVisitors(URI profiler, String adminToken, List<String> sites, Clock clock) {
    this.profiler = profiler;
    this.adminToken = adminToken;
    this.sites = sites;
    this.clock = clock;
  }

  /** The online visitors of every configured site; empty when the profiler does not answer. */
  public List<VisitorBoard.Row> rows() {
    List<VisitorBoard.Row> rows = new ArrayList<>();
    for (String site : sites) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  profiler.resolve(
                      "/v1/sites/"
                          + URLEncoder.encode(site, StandardCharsets.UTF_8)
                          + "/visitors/online?limit=500"))
              .timeout(Duration.ofSeconds(3))
              .header("Authorization", "Bearer " + adminToken)
              .build();
      try {
        HttpResponse<String> response =
            BoundedHttp.send(http, request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          warnOnce("profiler answered " + response.statusCode());
          continue;
        }
        for (JsonNode visitor : JSON.readTree(response.body())) {
          rows.add(row(visitor, clock.instant()));
        }
        var unanswered = response.headers().firstValue(UnansweredInstances.HEADER);
        if (unanswered.isPresent()) {
          warnOnce("profiler instances " + unanswered.get() + " did not answer");
        } else {
          warned = false;
        }
      } catch (IOException e) {
        warnOnce("profiler unreachable: " + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return rows;
  }

  private void warnOnce(String why) {
    if (!warned) {
      warned = true;
      log.warn("online visitors incomplete, the console adds those of segment changes: {}", why);
    }
  }

  /** One visitor of the profiler's answer as a row of the console. */
  static VisitorBoard.Row row(JsonNode v, Instant now) {
    JsonNode profile = v.path("profile");
    List<VisitorBoard.Badge> badges = new ArrayList<>();
    for (JsonNode b : v.path("topSegments")) {
      badges.add(
          new VisitorBoard.Badge(
              b.path("segmentId").asText(),
              b.path("name").asText(),
              b.path("label").asText(),
              b.path("color").asText(),
              b.path("priority").asInt()));
    }
    String visitorId = v.path("visitorId").asText();
    String name = text(profile.path("identity").path("name"));
    double cart = profile.path("cart").path("value").asDouble(0);
    long secondsOnSite = profile.path("visit").path("secondsOnSite").asLong(0);
    return new VisitorBoard.Row(
        v.path("siteId").asText(),
        visitorId,
        name != null ? name : VisitorBoard.anonymous(visitorId),
        badges,
        text(profile.path("visit").path("currentUrl")),
        text(profile.path("geo").path("city")),
        text(profile.path("geo").path("country")),
        cart > 0 ? cart : null,
        now.minusSeconds(secondsOnSite),
        Instant.parse(v.path("lastSeen").asText(now.toString())));
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? null : node.asText();
  }
}
