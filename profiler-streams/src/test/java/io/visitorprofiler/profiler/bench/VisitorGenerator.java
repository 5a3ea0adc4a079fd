package io.visitorprofiler.profiler.bench;

import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatRequested;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Heartbeat;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.PostchatSubmitted;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.Purchase;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.TrafficSource;
import io.visitorprofiler.schemas.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Realistic visitors of a {@link Shop}, deterministic for a seed, one every 3 ms: a session of page
 * views with heartbeats, a cart for some, a chat with a post-chat survey for a few, an order for
 * fewer; geography, devices and referrers (search with keywords, social, e-mail, campaigns, direct)
 * in plausible shares.
 */
final class VisitorGenerator {
  private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet"};

  private final Shop shop;
  private final SplittableRandom random;

  /** Milliseconds between two visitors' arrivals. */
  static final long ARRIVAL_MS = 3;

  private final Instant start;

  VisitorGenerator(Shop shop, long seed, Instant start) {
    this.shop = shop;
    this.random = new SplittableRandom(seed);
    this.start = start;
  }

  /**
   * Events of visitors {@code firstVisitor} onwards, merged in time order as a site sees them:
   * visitors arrive every 3 ms and overlap, so one visitor's events are seconds apart with other
   * visitors' events between them. Stops after {@code maxVisitors} visitors or {@code maxEvents}
   * events, whichever comes first; returns the index of the first visitor not used.
   */
  int inTimeOrder(int firstVisitor, int maxVisitors, long maxEvents, Consumer<SpecificRecord> out) {
    record Pending(Instant at, long sequence, SpecificRecord event) {}
    PriorityQueue<Pending> pending =
        new PriorityQueue<>(Comparator.comparing(Pending::at).thenComparingLong(Pending::sequence));
    long[] sequence = {0};
    long emitted = 0;
    int next = firstVisitor;
    while (emitted < maxEvents && (next < firstVisitor + maxVisitors || !pending.isEmpty())) {
      Instant arrival = next < firstVisitor + maxVisitors ? arrivalOf(next) : Instant.MAX;
      if (!pending.isEmpty() && !pending.peek().at().isAfter(arrival)) {
        out.accept(pending.poll().event());
        emitted++;
      } else {
        visitor(next++, e -> pending.add(new Pending(envelopeOf(e).time(), sequence[0]++, e)));
      }
    }
    return next;
  }

  private Instant arrivalOf(int index) {
    return start.plusMillis(index * ARRIVAL_MS);
  }

  /** What the harness needs of a generated event to send it and to recognise its changes. */
  record Envelope(String topic, String visitorId, String eventId, Instant time) {}

  static Envelope envelopeOf(SpecificRecord event) {
    return switch (event) {
      case ClickstreamEvent e ->
          new Envelope(
              Topics.CLICKSTREAM.name(), e.getVisitorId(), e.getEventId(), e.getEventTime());
      case ChatEvent e ->
          new Envelope(Topics.CHAT.name(), e.getVisitorId(), e.getEventId(), e.getEventTime());
      default -> throw new IllegalArgumentException("not an event: " + event.getClass());
    };
  }

  /** Gives a generated event another id (a harness's tag, to find the event by its changes). */
  static void tagEventId(SpecificRecord event, String eventId) {
    switch (event) {
      case ClickstreamEvent e -> e.setEventId(eventId);
      case ChatEvent e -> e.setEventId(eventId);
      default -> throw new IllegalArgumentException("not an event: " + event.getClass());
    }
  }

  /** Emits every event of visitor {@code index}, in time order; returns how many. */
  int visitor(int index, Consumer<SpecificRecord> out) {
    String id = "bench-" + index;
    Instant at = arrivalOf(index);
    EventContext context = context(at);
    int events = 0;
    int pages = 1 + random.nextInt(6);
    boolean cart = random.nextInt(100) < 40;
    boolean chat = random.nextInt(100) < 6;
    boolean purchase = cart && random.nextInt(100) < 15;
    List<CartItem> items = new ArrayList<>();
    for (int page = 0; page < pages; page++) {
      String path = shop.paths()[random.nextInt(shop.paths().length)];
      out.accept(
          click(
              id,
              at,
              context,
              PageView.newBuilder().setUrl("https://shop.example" + path).build()));
      events++;
      at = at.plusSeconds(5 + random.nextInt(60));
      if (random.nextInt(100) < 30) {
        out.accept(click(id, at, context, new Heartbeat("https://shop.example" + path)));
        events++;
      }
      if (cart && random.nextInt(100) < 50) {
        items.add(
            new CartItem(
                shop.sku(random.nextInt(shop.skus())), "Item", 5.0 + random.nextInt(60), 1));
        double value = items.stream().mapToDouble(CartItem::getPrice).sum();
        out.accept(click(id, at, context, new CartUpdated(new ArrayList<>(items), value, "USD")));
        events++;
      }
    }
    if (chat) {
      out.accept(chat(id, at, context, new ChatRequested(null, null)));
      at = at.plusSeconds(120);
      out.accept(
          chat(
              id,
              at,
              context,
              new PostchatSubmitted(
                  Map.of("found_what_you_were_looking_for", random.nextBoolean() ? "yes" : "no"),
                  3)));
      events += 2;
    }
    if (purchase && !items.isEmpty()) {
      double value = items.stream().mapToDouble(CartItem::getPrice).sum();
      out.accept(
          click(
              id,
              at.plusSeconds(30),
              context,
              Purchase.newBuilder().setItems(items).setValue(value).setCurrency("USD").build()));
      events++;
    }
    return events;
  }

  private EventContext context(Instant at) {
    int kind = random.nextInt(100);
    TrafficSource source;
    if (kind < 35) {
      source =
          source(
              "https://www.google.com/search",
              "google.com",
              ReferrerClass.SEARCH,
              "google",
              shop.keywords()[random.nextInt(shop.keywords().length)]);
    } else if (kind < 50) {
      source =
          source("https://www.facebook.com/", "facebook.com", ReferrerClass.SOCIAL, null, null);
    } else if (kind < 58) {
      source = source("https://mail.example/", "mail.example", ReferrerClass.EMAIL, null, null);
    } else if (kind < 68) {
      source = source(null, null, ReferrerClass.CAMPAIGN, null, null);
      source.setCampaign(
          io.visitorprofiler.schemas.Campaign.newBuilder()
              .setName("black-friday")
              .setSource("newsletter")
              .setMedium("email")
              .build());
    } else {
      source = source(null, null, ReferrerClass.DIRECT, null, null);
    }
    String device = DEVICES[random.nextInt(DEVICES.length)];
    return EventContext.newBuilder()
        .setReceivedAt(at)
        .setIpTruncated("203.0.113.0")
        .setDevice(
            Device.newBuilder()
                .setType(device)
                .setOs(device.equals("desktop") ? "Windows" : "iOS")
                .setBrowser("Chrome")
                .build())
        .setGeo(
            Geo.newBuilder()
                .setCity(shop.cities()[random.nextInt(shop.cities().length)])
                .setCountry("US")
                .setTimezone("America/New_York")
                .setLanguage("en-US")
                .build())
        .setSource(source)
        .setPrivacy(new Privacy(false, false, false))
        .build();
  }

  private static TrafficSource source(
      String url, String domain, ReferrerClass kind, String engine, String keywords) {
    return TrafficSource.newBuilder()
        .setReferrerUrl(url)
        .setReferrerDomain(domain)
        .setReferrerClass(kind)
        .setSearchEngine(engine)
        .setSearchKeywords(keywords)
        .build();
  }

  private static ClickstreamEvent click(
      String visitor, Instant at, EventContext context, Object payload) {
    return ClickstreamEvent.newBuilder()
        .setEventId(visitor + "-" + at.toEpochMilli() + "-" + payload.getClass().getSimpleName())
        .setSiteId("bench")
        .setVisitorId(visitor)
        .setEventTime(at)
        .setContext(context)
        .setPayload(payload)
        .build();
  }

  private static ChatEvent chat(String visitor, Instant at, EventContext context, Object payload) {
    return ChatEvent.newBuilder()
        .setEventId(visitor + "-" + at.toEpochMilli() + "-" + payload.getClass().getSimpleName())
        .setSiteId("bench")
        .setVisitorId(visitor)
        .setChatId("chat-" + visitor)
        .setEventTime(at)
        .setContext(context)
        .setPayload(payload)
        .build();
  }
}
