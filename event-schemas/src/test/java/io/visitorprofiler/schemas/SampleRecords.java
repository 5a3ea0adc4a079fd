package io.visitorprofiler.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Realistic records of every topic, for serde and schema tests. */
public final class SampleRecords {
  public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private SampleRecords() {}

  /** One record of each topic's types, for {@code visitorId}. */
  public static List<org.apache.avro.specific.SpecificRecord> oneOfEach(String visitorId) {
    return List.of(
        pageView(visitorId),
        cartUpdated(visitorId),
        postChat(visitorId),
        smallCarts(),
        entered(visitorId),
        invitation(visitorId),
        deadLetter(),
        erasure(visitorId),
        profile(visitorId));
  }

  public static EventContext context() {
    return EventContext.newBuilder()
        .setReceivedAt(T0.plusMillis(40))
        .setClientTimestamp(T0.minusMillis(1_200))
        .setClockSkewMillis(1_200)
        .setIpTruncated("203.0.113.0")
        .setUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)")
        .setDevice(Device.newBuilder().setType("mobile").setOs("iOS").setBrowser("Safari").build())
        .setGeo(
            Geo.newBuilder()
                .setCountry("US")
                .setRegion("FL")
                .setCity("Miami")
                .setTimezone("America/New_York")
                .setLanguage("en-US")
                .build())
        .setSource(
            TrafficSource.newBuilder()
                .setReferrerUrl("https://www.google.com/search?q=yoga+pants")
                .setReferrerDomain("google.com")
                .setReferrerClass(ReferrerClass.SEARCH)
                .setSearchEngine("google")
                .setSearchKeywords("yoga pants")
                .build())
        .setPrivacy(Privacy.newBuilder().build())
        .setPageUrl("https://shop.example/checkout")
        .build();
  }

  public static ClickstreamEvent pageView(String visitorId) {
    return ClickstreamEvent.newBuilder()
        .setEventId("e-" + visitorId + "-1")
        .setSiteId("demo")
        .setVisitorId(visitorId)
        .setEventTime(T0)
        .setContext(context())
        .setPayload(
            PageView.newBuilder()
                .setUrl("https://shop.example/checkout")
                .setTitle("Checkout")
                .setReferrer("https://www.google.com/search?q=yoga+pants")
                .build())
        .build();
  }

  public static ClickstreamEvent cartUpdated(String visitorId) {
    return ClickstreamEvent.newBuilder(pageView(visitorId))
        .setEventId("e-" + visitorId + "-2")
        .setPayload(
            CartUpdated.newBuilder()
                .setItems(
                    List.of(
                        CartItem.newBuilder()
                            .setSku("CUPS-6")
                            .setName("Set of 6 Stainless Steel Cups")
                            .setPrice(24.0)
                            .setQuantity(1)
                            .build()))
                .setValue(24.0)
                .setCurrency("USD")
                .build())
        .build();
  }

  public static ChatEvent postChat(String visitorId) {
    return ChatEvent.newBuilder()
        .setEventId("c-" + visitorId + "-1")
        .setSiteId("demo")
        .setVisitorId(visitorId)
        .setChatId("c-9")
        .setEventTime(T0.plusSeconds(540))
        .setContext(context())
        .setPayload(
            PostchatSubmitted.newBuilder()
                .setFields(Map.of("found_what_you_were_looking_for", "no"))
                .setRating(2)
                .build())
        .build();
  }

  public static SegmentDefinition smallCarts() {
    return SegmentDefinition.newBuilder()
        .setSegmentId("small-carts")
        .setSiteId("demo")
        .setName("Small carts")
        .setLabel("Cart < $50")
        .setColor("#e65100")
        .setPriority(40)
        .setCondition("visitor.cart.itemCount > 0 && visitor.cart.value < 50.0")
        .setVersion(1)
        .setNotify(
            NotifySettings.newBuilder()
                .setAgents(List.of("agent-1"))
                .setDepartments(List.of("sales"))
                .setSound(true)
                .build())
        .setInvitation(
            InvitationSettings.newBuilder()
                .setMessage("Hi {name}, add ${freeShippingGap} more for free shipping!")
                .build())
        .setUpdatedAt(T0)
        .build();
  }

  public static SegmentChange entered(String visitorId) {
    SegmentBadge badge =
        SegmentBadge.newBuilder()
            .setSegmentId("small-carts")
            .setName("Small carts")
            .setLabel("Cart < $50")
            .setColor("#e65100")
            .setPriority(40)
            .build();
    return SegmentChange.newBuilder()
        .setChangeId(visitorId + ":small-carts:1:ENTERED:" + T0.toEpochMilli())
        .setVisitorId(visitorId)
        .setSiteId("demo")
        .setSegmentId("small-carts")
        .setSegmentName("Small carts")
        .setSegmentVersion(1)
        .setTransition(Transition.ENTERED)
        .setPriority(40)
        .setCauseEventId("e-" + visitorId + "-2")
        .setCauseEventTime(T0)
        .setEmittedAt(T0.plusMillis(15))
        .setTopSegments(List.of(badge))
        .setSnapshot(
            ProfileSnapshot.newBuilder()
                .setCity("Miami")
                .setCountry("US")
                .setCurrentUrl("https://shop.example/checkout")
                .setCartValue(24.0)
                .setCurrency("USD")
                .setVisits(2)
                .build())
        .build();
  }

  public static Invitation invitation(String visitorId) {
    return Invitation.newBuilder()
        .setInvitationId("i-1")
        .setSiteId("demo")
        .setVisitorId(visitorId)
        .setSegmentId("small-carts")
        .setVariantId("A")
        .setMessage("Hi, add $26.00 more for free shipping!")
        .setCreatedAt(T0)
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setService("profiler-streams")
        .setReason("value is not in the Confluent wire format")
        .setOriginTopic("vp.clickstream.v1")
        .setOriginPartition(3)
        .setOriginOffset(42L)
        .setOriginValue(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setFailedAt(T0)
        .build();
  }

  public static ErasureRequest erasure(String visitorId) {
    return ErasureRequest.newBuilder()
        .setRequestId("r-1")
        .setSiteId("demo")
        .setVisitorId(visitorId)
        .setRequestedAt(T0)
        .build();
  }

  public static VisitorProfile profile(String visitorId) {
    return VisitorProfile.newBuilder()
        .setVisitorId(visitorId)
        .setSiteId("demo")
        .setFirstSeen(T0.minusSeconds(86_400))
        .setLastSeen(T0)
        .setVisits(2)
        .setPageViews(7)
        .setVisit(
            Visit.newBuilder()
                .setStartedAt(T0.minusSeconds(300))
                .setLastActivityAt(T0)
                .setLandingUrl("https://shop.example/")
                .setCurrentUrl("https://shop.example/checkout")
                .setCurrentPageSince(T0.minusSeconds(60))
                .setPageViews(3)
                .build())
        .setGeo(context().getGeo())
        .setDevice(context().getDevice())
        .setSource(context().getSource())
        .setIdentity(Identity.newBuilder().setName("Ana").build())
        .setCart(Cart.newBuilder().setValue(24.0).setCurrency("USD").setUpdatedAt(T0).build())
        .setPurchases(Purchases.newBuilder().build())
        .setMemberships(
            List.of(
                Membership.newBuilder()
                    .setSegmentId("small-carts")
                    .setVersion(1)
                    .setEnteredAt(T0)
                    .build()))
        .build();
  }
}
