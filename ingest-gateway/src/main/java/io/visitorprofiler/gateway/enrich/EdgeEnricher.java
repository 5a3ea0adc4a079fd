package io.visitorprofiler.gateway.enrich;

import io.visitorprofiler.gateway.ingest.IncomingEvent;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.TrafficSource;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a validated event into the record published to Kafka: server receive time and corrected
 * event time, truncated IP, geography, device, traffic source of page views, and the privacy
 * signals. An event of a visitor who sent Do-Not-Track or Global Privacy Control, or who opted out,
 * is still published (chats must work), flagged so that it is not profiled, and without the
 * address, the user agent or the geography.
 */
public final class EdgeEnricher {
  private static final int MAX_USER_AGENT = 512;

  private final GeoLocator geo;
  private final DeviceDetector devices;
  private final ReferrerClassifier referrers;
  private final boolean trustForwardedFor;

  public EdgeEnricher(
      GeoLocator geo,
      DeviceDetector devices,
      ReferrerClassifier referrers,
      boolean trustForwardedFor) {
    this.geo = geo;
    this.devices = devices;
    this.referrers = referrers;
    this.trustForwardedFor = trustForwardedFor;
  }

  /** Reads what the request itself says about the visitor; the full address is dropped here. */
  public RequestFacts facts(long receivedAt, String remoteAddress, UnaryOperator<String> headers) {
    Optional<InetAddress> client =
        IpAddresses.client(remoteAddress, headers.apply("X-Forwarded-For"), trustForwardedFor);
    String userAgent = headers.apply("User-Agent");
    if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT);
    }
    return new RequestFacts(
        receivedAt,
        client.map(IpAddresses::truncate).orElse(null),
        userAgent,
        devices.detect(userAgent),
        geo.locate(client.orElse(null), headers),
        "1".equals(trim(headers.apply("DNT"))),
        "1".equals(trim(headers.apply("Sec-GPC"))),
        client.map(InetAddress::getHostAddress).orElse(null));
  }

  /** The published record: a {@link ClickstreamEvent} or a {@link ChatEvent}. */
  public SpecificRecord enrich(String siteId, RequestFacts facts, long skew, IncomingEvent event) {
    long eventTime = ClockSkew.eventTime(facts.receivedAt(), event.clientTime(), skew);
    boolean notProfiled = facts.doNotTrack() || facts.globalPrivacyControl() || event.optedOut();
    Location location = notProfiled ? Location.UNKNOWN : facts.location();
    TrafficSource source =
        event.payload() instanceof PageView view
            ? referrers.classify(view.getUrl(), view.getReferrer())
            : null;
    EventContext context =
        new EventContext(
            Instant.ofEpochMilli(facts.receivedAt()),
            event.clientTime() == null ? null : Instant.ofEpochMilli(event.clientTime()),
            skew,
            notProfiled ? null : facts.ipTruncated(),
            notProfiled ? null : facts.userAgent(),
            facts.device(), // written, never changed: one record serves every event of the request
            new Geo(
                location.country(),
                location.region(),
                location.city(),
                event.timezone(),
                event.language()),
            source,
            new Privacy(facts.doNotTrack(), facts.globalPrivacyControl(), event.optedOut()),
            event.url());
    Instant at = Instant.ofEpochMilli(eventTime);
    if (event.type().chat()) {
      return new ChatEvent(
          event.eventId(), siteId, event.visitorId(), event.chatId(), at, context, event.payload());
    }
    return new ClickstreamEvent(
        event.eventId(), siteId, event.visitorId(), at, context, event.payload());
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }
}
