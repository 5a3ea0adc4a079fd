package io.visitorprofiler.profiler.topology;

import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatRequested;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Heartbeat;
import io.visitorprofiler.schemas.Identify;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.PostchatSubmitted;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.Purchase;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.SegmentDefinition;
import io.visitorprofiler.schemas.TrafficSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Events and definitions as a tracker and an admin would send them, for topology tests. */
final class Events {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final AtomicInteger ids = new AtomicInteger();

  private Events() {}

  static Instant at(int minutes, int seconds) {
    return T0.plusSeconds(minutes * 60L + seconds);
  }

  static SegmentDefinition segment(String id, int priority, String condition) {
    return SegmentDefinition.newBuilder()
        .setSegmentId(id)
        .setSiteId("demo")
        .setName(id)
        .setLabel(id)
        .setColor("#123456")
        .setPriority(priority)
        .setCondition(condition)
        .setVersion(1)
        .setUpdatedAt(T0)
        .build();
  }

  static EventContext context(Instant at, String city, TrafficSource source) {
    return EventContext.newBuilder()
        .setReceivedAt(at)
        .setDevice(Device.newBuilder().setType("desktop").build())
        .setGeo(Geo.newBuilder().setCity(city).setCountry("US").build())
        .setSource(source)
        .setPrivacy(Privacy.newBuilder().build())
        .build();
  }

  static TrafficSource referrer(String domain, ReferrerClass kind, String engine, String keywords) {
    return TrafficSource.newBuilder()
        .setReferrerUrl("https://" + domain + "/")
        .setReferrerDomain(domain)
        .setReferrerClass(kind)
        .setSearchEngine(engine)
        .setSearchKeywords(keywords)
        .build();
  }

  static ClickstreamEvent pageView(String visitor, Instant at, String path) {
    return pageView(visitor, at, path, "Boston", null);
  }

  static ClickstreamEvent pageView(
      String visitor, Instant at, String path, String city, TrafficSource source) {
    return click(
        visitor,
        at,
        context(at, city, source),
        PageView.newBuilder().setUrl("https://shop.example" + path).build());
  }

  static ClickstreamEvent heartbeat(String visitor, Instant at) {
    return click(visitor, at, context(at, null, null), Heartbeat.newBuilder().build());
  }

  static ClickstreamEvent cart(String visitor, Instant at, double value, String... skus) {
    List<CartItem> items = new ArrayList<>();
    for (String sku : skus) {
      items.add(CartItem.newBuilder().setSku(sku).setPrice(value / skus.length).build());
    }
    return click(
        visitor,
        at,
        context(at, null, null),
        CartUpdated.newBuilder().setItems(items).setValue(value).setCurrency("USD").build());
  }

  static ClickstreamEvent purchase(String visitor, Instant at, double value) {
    return click(
        visitor,
        at,
        context(at, null, null),
        Purchase.newBuilder().setValue(value).setCurrency("USD").build());
  }

  static ClickstreamEvent identify(String visitor, Instant at, String name) {
    return click(visitor, at, context(at, null, null), Identify.newBuilder().setName(name).build());
  }

  static ClickstreamEvent withPrivacy(ClickstreamEvent event, Privacy privacy) {
    ClickstreamEvent copy = ClickstreamEvent.newBuilder(event).build();
    copy.getContext().setPrivacy(privacy);
    return copy;
  }

  static ChatEvent chatRequested(String visitor, Instant at) {
    return chat(visitor, at, ChatRequested.newBuilder().build());
  }

  static ChatEvent postChat(String visitor, Instant at, Map<String, String> fields) {
    return chat(visitor, at, PostchatSubmitted.newBuilder().setFields(fields).setRating(2).build());
  }

  static ClickstreamEvent click(String visitor, Instant at, EventContext context, Object payload) {
    return ClickstreamEvent.newBuilder()
        .setEventId("e-" + ids.incrementAndGet())
        .setSiteId("demo")
        .setVisitorId(visitor)
        .setEventTime(at)
        .setContext(context)
        .setPayload(payload)
        .build();
  }

  static ChatEvent chat(String visitor, Instant at, Object payload) {
    return ChatEvent.newBuilder()
        .setEventId("c-" + ids.incrementAndGet())
        .setSiteId("demo")
        .setVisitorId(visitor)
        .setChatId("chat-1")
        .setEventTime(at)
        .setContext(context(at, null, null))
        .setPayload(payload)
        .build();
  }
}
