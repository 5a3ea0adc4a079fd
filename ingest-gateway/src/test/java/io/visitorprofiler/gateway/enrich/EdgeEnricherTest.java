package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.gateway.ingest.EventType;
import io.visitorprofiler.gateway.ingest.IncomingEvent;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatMessage;
import io.visitorprofiler.schemas.ChatSender;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Heartbeat;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.ReferrerClass;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Turning a validated event and its request into the record published to Kafka. */
class EdgeEnricherTest {
  /** One analyzer for the class: building it takes seconds. */
  private static final DeviceDetector DEVICES = new DeviceDetector(100);

  private static final long RECEIVED_AT = Instant.parse("2026-11-22T10:00:10Z").toEpochMilli();
  private static final Location MIAMI = new Location("US", "FL", "Miami");
  private static final String PAGE = "https://shop.example/checkout";
  private static final String GOOGLE = "https://www.google.com/search?q=yoga+pants";

  private final AtomicReference<InetAddress> located = new AtomicReference<>();
  private final GeoLocator geo =
      (address, headers) -> {
        located.set(address);
        return address == null ? Location.UNKNOWN : MIAMI;
      };
  private final EdgeEnricher enricher =
      new EdgeEnricher(geo, DEVICES, new ReferrerClassifier(), false);

  @Test
  void factsTruncateTheAddressButLocateWithTheFullOne() {
    RequestFacts facts =
        enricher.facts(
            RECEIVED_AT,
            "203.0.113.77",
            headers("User-Agent", DeviceDetectorTest.CHROME_ON_WINDOWS));

    assertThat(facts.receivedAt()).isEqualTo(RECEIVED_AT);
    assertThat(facts.ipTruncated()).isEqualTo("203.0.113.0");
    assertThat(located.get().getHostAddress()).isEqualTo("203.0.113.77");
    assertThat(facts.location()).isEqualTo(MIAMI);
    assertThat(facts.userAgent()).isEqualTo(DeviceDetectorTest.CHROME_ON_WINDOWS);
    assertThat(facts.device().getType()).isEqualTo("desktop");
    assertThat(facts.device().getBrowser()).isEqualTo("Chrome");
    assertThat(facts.doNotTrack()).isFalse();
    assertThat(facts.globalPrivacyControl()).isFalse();
  }

  @Test
  void factsTruncateAnIpv6Address() {
    RequestFacts facts = enricher.facts(RECEIVED_AT, "2001:db8:1:2::5", headers());

    assertThat(facts.ipTruncated()).isEqualTo("2001:db8:1::");
  }

  @Test
  void factsReadDoNotTrackAndGlobalPrivacyControl() {
    RequestFacts facts =
        enricher.facts(RECEIVED_AT, "203.0.113.77", headers("DNT", "1", "Sec-GPC", " 1 "));

    assertThat(facts.doNotTrack()).isTrue();
    assertThat(facts.globalPrivacyControl()).isTrue();
    assertThat(enricher.facts(RECEIVED_AT, "203.0.113.77", headers("DNT", "0")).doNotTrack())
        .isFalse();
  }

  @Test
  void factsUseTheForwardedForAddressOnlyWhenTrusted() {
    EdgeEnricher behindProxy = new EdgeEnricher(geo, DEVICES, new ReferrerClassifier(), true);
    UnaryOperator<String> forwarded = headers("X-Forwarded-For", "10.9.9.9, 198.51.100.23");

    assertThat(behindProxy.facts(RECEIVED_AT, "10.0.0.5", forwarded).ipTruncated())
        .isEqualTo("198.51.100.0");
    assertThat(enricher.facts(RECEIVED_AT, "10.0.0.5", forwarded).ipTruncated())
        .isEqualTo("10.0.0.0");
  }

  @Test
  void factsWithoutAnAddressHaveNoAddressAndNoLocation() {
    RequestFacts facts = enricher.facts(RECEIVED_AT, null, headers());

    assertThat(facts.ipTruncated()).isNull();
    assertThat(facts.location()).isEqualTo(Location.UNKNOWN);
    assertThat(facts.userAgent()).isNull();
    assertThat(facts.device()).isEqualTo(new Device(null, null, null, false));
  }

  @Test
  void factsCapAVeryLongUserAgent() {
    String userAgent = DeviceDetectorTest.CHROME_ON_WINDOWS + " x".repeat(1000);

    RequestFacts facts =
        enricher.facts(RECEIVED_AT, "203.0.113.77", headers("User-Agent", userAgent));

    assertThat(facts.userAgent()).hasSize(512).isEqualTo(userAgent.substring(0, 512));
  }

  @Test
  void aPageViewBecomesAnEnrichedClickstreamEvent() {
    long clientTime = RECEIVED_AT - 70_000;
    IncomingEvent event = pageView(clientTime, false);

    SpecificRecord record = enricher.enrich("demo", facts(false, false), 60_000, event);

    assertThat(record).isInstanceOf(ClickstreamEvent.class);
    ClickstreamEvent published = (ClickstreamEvent) record;
    assertThat(published.getEventId()).isEqualTo("e-1");
    assertThat(published.getSiteId()).isEqualTo("demo");
    assertThat(published.getVisitorId()).isEqualTo("v-123");
    assertThat(published.getEventTime()).isEqualTo(Instant.ofEpochMilli(RECEIVED_AT - 10_000));
    assertThat(published.getPayload()).isEqualTo(event.payload());

    EventContext context = published.getContext();
    assertThat(context.getReceivedAt()).isEqualTo(Instant.ofEpochMilli(RECEIVED_AT));
    assertThat(context.getClientTimestamp()).isEqualTo(Instant.ofEpochMilli(clientTime));
    assertThat(context.getClockSkewMillis()).isEqualTo(60_000);
    assertThat(context.getIpTruncated()).isEqualTo("203.0.113.0");
    assertThat(context.getUserAgent()).isEqualTo(DeviceDetectorTest.CHROME_ON_WINDOWS);
    assertThat(context.getDevice()).isEqualTo(new Device("desktop", "Windows", "Chrome", false));
    assertThat(context.getGeo())
        .isEqualTo(new Geo("US", "FL", "Miami", "America/New_York", "en-US"));
    assertThat(context.getSource().getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(context.getSource().getSearchEngine()).isEqualTo("Google");
    assertThat(context.getSource().getSearchKeywords()).isEqualTo("yoga pants");
    assertThat(context.getPrivacy()).isEqualTo(new Privacy(false, false, false));
    assertThat(context.getPageUrl()).isEqualTo(PAGE);
  }

  @Test
  void anEventWithoutClientTimeHappenedWhenReceived() {
    SpecificRecord record = enricher.enrich("demo", facts(false, false), 0, pageView(null, false));

    ClickstreamEvent published = (ClickstreamEvent) record;
    assertThat(published.getEventTime()).isEqualTo(Instant.ofEpochMilli(RECEIVED_AT));
    assertThat(published.getContext().getClientTimestamp()).isNull();
  }

  @Test
  void anEventIsNeverDatedAfterItsReceipt() {
    SpecificRecord record =
        enricher.enrich("demo", facts(false, false), 0, pageView(RECEIVED_AT + 3_600_000, false));

    assertThat(((ClickstreamEvent) record).getEventTime())
        .isEqualTo(Instant.ofEpochMilli(RECEIVED_AT));
  }

  @Test
  void onlyPageViewsCarryATrafficSource() {
    IncomingEvent heartbeat =
        new IncomingEvent(
            0,
            EventType.HEARTBEAT,
            "e-2",
            "v-123",
            null,
            new Heartbeat(PAGE),
            null,
            PAGE,
            null,
            null,
            null,
            false);

    ClickstreamEvent published =
        (ClickstreamEvent) enricher.enrich("demo", facts(false, false), 0, heartbeat);

    assertThat(published.getContext().getSource()).isNull();
    assertThat(published.getContext().getPageUrl()).isEqualTo(PAGE);
  }

  @Test
  void aChatEventBecomesAChatEventWithItsChatId() {
    ChatMessage message =
        new ChatMessage("m-1", ChatSender.VISITOR, null, "Do you ship to Canada?");
    IncomingEvent event =
        new IncomingEvent(
            0,
            EventType.CHAT_MESSAGE,
            "e-3",
            "v-123",
            RECEIVED_AT - 1_000,
            message,
            "c-9",
            PAGE,
            null,
            "America/New_York",
            "en-US",
            false);

    SpecificRecord record = enricher.enrich("demo", facts(false, false), 0, event);

    assertThat(record).isInstanceOf(ChatEvent.class);
    ChatEvent chat = (ChatEvent) record;
    assertThat(chat.getChatId()).isEqualTo("c-9");
    assertThat(chat.getEventId()).isEqualTo("e-3");
    assertThat(chat.getSiteId()).isEqualTo("demo");
    assertThat(chat.getVisitorId()).isEqualTo("v-123");
    assertThat(chat.getEventTime()).isEqualTo(Instant.ofEpochMilli(RECEIVED_AT - 1_000));
    assertThat(chat.getPayload()).isEqualTo(message);
    assertThat(chat.getContext().getSource()).isNull();
    assertThat(chat.getContext().getGeo().getCountry()).isEqualTo("US");
  }

  @Test
  void doNotTrackDropsAddressUserAgentAndLocation() {
    ClickstreamEvent published =
        (ClickstreamEvent) enricher.enrich("demo", facts(true, false), 0, pageView(null, false));

    EventContext context = published.getContext();
    assertThat(context.getIpTruncated()).isNull();
    assertThat(context.getUserAgent()).isNull();
    assertThat(context.getGeo().getCountry()).isNull();
    assertThat(context.getGeo().getRegion()).isNull();
    assertThat(context.getGeo().getCity()).isNull();
    assertThat(context.getPrivacy()).isEqualTo(new Privacy(true, false, false));
  }

  @Test
  void globalPrivacyControlDropsAddressUserAgentAndLocation() {
    ClickstreamEvent published =
        (ClickstreamEvent) enricher.enrich("demo", facts(false, true), 0, pageView(null, false));

    EventContext context = published.getContext();
    assertThat(context.getIpTruncated()).isNull();
    assertThat(context.getUserAgent()).isNull();
    assertThat(context.getGeo().getCountry()).isNull();
    assertThat(context.getPrivacy()).isEqualTo(new Privacy(false, true, false));
  }

  @Test
  void anOptedOutVisitorsEventIsPublishedWithoutAddressUserAgentAndLocation() {
    ClickstreamEvent published =
        (ClickstreamEvent) enricher.enrich("demo", facts(false, false), 0, pageView(null, true));

    EventContext context = published.getContext();
    assertThat(context.getIpTruncated()).isNull();
    assertThat(context.getUserAgent()).isNull();
    assertThat(context.getGeo().getCountry()).isNull();
    assertThat(context.getGeo().getCity()).isNull();
    assertThat(context.getPrivacy()).isEqualTo(new Privacy(false, false, true));
    assertThat(published.getEventId()).isEqualTo("e-1");
  }

  private static IncomingEvent pageView(Long clientTime, boolean optedOut) {
    return new IncomingEvent(
        0,
        EventType.PAGE_VIEW,
        "e-1",
        "v-123",
        clientTime,
        new PageView(PAGE, "Checkout", GOOGLE, false),
        null,
        PAGE,
        GOOGLE,
        "America/New_York",
        "en-US",
        optedOut);
  }

  private static RequestFacts facts(boolean doNotTrack, boolean globalPrivacyControl) {
    return new RequestFacts(
        RECEIVED_AT,
        "203.0.113.0",
        DeviceDetectorTest.CHROME_ON_WINDOWS,
        new Device("desktop", "Windows", "Chrome", false),
        MIAMI,
        doNotTrack,
        globalPrivacyControl,
        "203.0.113.77");
  }

  private static UnaryOperator<String> headers(String... namesAndValues) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return values::get;
  }
}
