package io.visitorprofiler.profiler.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.FieldMask;
import io.visitorprofiler.profiler.rules.ProfileField;
import io.visitorprofiler.schemas.Cart;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.CustomVariables;
import io.visitorprofiler.schemas.Device;
import io.visitorprofiler.schemas.EventContext;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.Identity;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.Privacy;
import io.visitorprofiler.schemas.Purchases;
import io.visitorprofiler.schemas.TrafficSource;
import io.visitorprofiler.schemas.Visit;
import io.visitorprofiler.schemas.VisitorProfile;
import io.visitorprofiler.schemas.serde.TrustedSchemaClasses;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProfileUpdaterTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private final ProfileSettings settings =
      new ProfileSettings(
          Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofDays(30), 5, 16);
  private final ProfileUpdater updater = new ProfileUpdater(settings);

  private static ClickstreamEvent event(Instant at, Object payload) {
    return ClickstreamEvent.newBuilder()
        .setEventId("e")
        .setSiteId("demo")
        .setVisitorId("v")
        .setEventTime(at)
        .setContext(
            EventContext.newBuilder()
                .setReceivedAt(at)
                .setDevice(new Device())
                .setGeo(Geo.newBuilder().setCity("Miami").build())
                .setPrivacy(new Privacy())
                .build())
        .setPayload(payload)
        .build();
  }

  @Test
  void aNewProfileHoldsTheSchemaDefaults() {
    TrustedSchemaClasses.install(); // the builders below default an enum field
    VisitorProfile built =
        VisitorProfile.newBuilder()
            .setVisitorId("v")
            .setSiteId("demo")
            .setFirstSeen(T0)
            .setLastSeen(T0)
            .setVisit(Visit.newBuilder().setStartedAt(T0).setLastActivityAt(T0).build())
            .setGeo(Geo.newBuilder().build())
            .setDevice(Device.newBuilder().build())
            .setSource(TrafficSource.newBuilder().build())
            .setIdentity(Identity.newBuilder().build())
            .setCart(Cart.newBuilder().build())
            .setPurchases(Purchases.newBuilder().build())
            .build();

    assertThat(ProfileUpdater.newProfile("v", "demo", T0)).isEqualTo(built);
    assertThat(ProfileUpdater.newVisit(T0)).isEqualTo(built.getVisit());
  }

  @Test
  void aGapLongerThanTheSessionGapStartsANewVisit() {
    VisitorProfile p = ProfileUpdater.newProfile("v", "demo", T0);
    updater.apply(p, event(T0, PageView.newBuilder().setUrl("https://a/x").build()), T0);
    Instant later = T0.plus(Duration.ofMinutes(29));
    long sameVisit =
        updater.apply(p, event(later, PageView.newBuilder().setUrl("https://a/y").build()), later);
    assertThat(p.getVisits()).isEqualTo(1);
    assertThat(FieldMask.fields(sameVisit)).doesNotContain(ProfileField.VISITS);

    Instant next = later.plus(Duration.ofMinutes(31));
    long newVisit =
        updater.apply(p, event(next, PageView.newBuilder().setUrl("https://a/z").build()), next);
    assertThat(p.getVisits()).isEqualTo(2);
    assertThat(p.getVisit().getLandingUrl()).isEqualTo("https://a/z");
    assertThat(p.getPageViews()).isEqualTo(3);
    assertThat(p.getVisit().getPageViews()).isEqualTo(1);
    assertThat(FieldMask.fields(newVisit))
        .contains(ProfileField.VISITS, ProfileField.VISIT_LANDING_URL);
  }

  @Test
  void listsMapsAndValuesAreCapped() {
    VisitorProfile p = ProfileUpdater.newProfile("v", "demo", T0);
    List<CartItem> items =
        IntStream.range(0, 20)
            .mapToObj(i -> CartItem.newBuilder().setSku("S" + i).setPrice(1).build())
            .toList();
    updater.apply(p, event(T0, CartUpdated.newBuilder().setItems(items).setValue(20).build()), T0);
    Map<String, String> vars = new HashMap<>();
    IntStream.range(0, 20).forEach(i -> vars.put("k" + i, "a value much longer than sixteen"));
    updater.apply(p, event(T0, new CustomVariables(vars)), T0);

    assertThat(p.getCart().getItems()).hasSize(5);
    assertThat(p.getCustomVariables()).hasSize(5);
    assertThat(p.getCustomVariables().values()).allSatisfy(v -> assertThat(v).hasSize(16));
  }

  @Test
  void unchangedValuesReportNoChange() {
    VisitorProfile p = ProfileUpdater.newProfile("v", "demo", T0);
    CartUpdated cart =
        CartUpdated.newBuilder()
            .setItems(List.of(CartItem.newBuilder().setSku("A").setPrice(5).build()))
            .setValue(5)
            .setCurrency("USD")
            .build();
    updater.apply(p, event(T0, cart), T0);
    long again = updater.apply(p, event(T0.plusSeconds(5), cart), T0.plusSeconds(5));
    assertThat(FieldMask.fields(again))
        .doesNotContain(ProfileField.CART_VALUE, ProfileField.CART_SKUS, ProfileField.GEO_CITY)
        .contains(ProfileField.CART_IDLE_SECONDS, ProfileField.LAST_SEEN);
  }

  @Test
  void thePathOfAUrlHasNoQueryOrFragment() {
    assertThat(ProfileView.pathOf("https://shop.example/checkout?step=2#top"))
        .isEqualTo("/checkout");
    assertThat(ProfileView.pathOf("https://shop.example")).isEqualTo("/");
    assertThat(ProfileView.pathOf(null)).isEmpty();
  }
}
