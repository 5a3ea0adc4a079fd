package io.visitorprofiler.profiler.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.ProfileField;
import io.visitorprofiler.schemas.Campaign;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProfileViewTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final ProfileSettings SETTINGS = ProfileSettings.DEFAULTS;

  /** A new profile, and one with every group filled in. */
  private static List<VisitorProfile> profiles() {
    VisitorProfile empty = ProfileUpdater.newProfile("v1", "demo", T0);
    VisitorProfile full = ProfileUpdater.newProfile("v2", "demo", T0);
    full.setVisits(3);
    full.setPageViews(9);
    full.setChats(1);
    full.setLastSeen(T0.plusSeconds(300));
    full.getVisit().setLandingUrl("https://shop.test/yoga?utm_source=x");
    full.getVisit().setCurrentUrl("https://shop.test/checkout#pay");
    full.getVisit().setCurrentPageSince(T0.plusSeconds(200));
    full.getVisit().setChatRequestUrl("https://shop.test/help");
    full.getVisit().setPageViews(4);
    full.getGeo().setCity("Miami");
    full.getGeo().setCountry("US");
    full.getSource().setReferrerClass(ReferrerClass.SEARCH);
    full.getSource().setSearchEngine("Google");
    full.getSource().setSearchKeywords("yoga pants");
    full.getSource()
        .setCampaign(
            Campaign.newBuilder().setName("bf").setSource("news").setMedium("email").build());
    full.getPostChat().put("found", "no");
    full.getCustomVariables().put("plan", "gold");
    full.getIdentity().setEmail("a@b.test");
    full.getCart().setItems(new ArrayList<>(List.of(new CartItem("SKU-1", "Cup", 12.5, 2))));
    full.getCart().setValue(25.0);
    full.getCart().setCurrency("USD");
    full.getCart().setUpdatedAt(T0.plusSeconds(250));
    full.getPurchases().setCount(2);
    full.getPurchases().setTotalValue(80.0);
    full.getDevice().setType("mobile");
    return List.of(empty, full);
  }

  @Test
  void everyFieldHasTheValueTheViewHeldBeforeItWasBuiltFieldByField() {
    for (VisitorProfile p : profiles()) {
      for (long now : new long[] {T0.toEpochMilli(), T0.plusSeconds(320).toEpochMilli()}) {
        Map<String, Object> view = ProfileView.of(p, now, SETTINGS);
        assertThat(view).as(p.getVisitorId()).isEqualTo(viewAsItWas(p, now, SETTINGS));
        FieldValues fields = ProfileView.fields(p, now, SETTINGS);
        for (ProfileField field : ProfileField.values()) {
          assertThat(fields.get(field))
              .as(field.path())
              .isNotNull()
              .isEqualTo(FieldValues.lookUp(view, field));
        }
      }
    }
  }

  @Test
  void fieldsAreComputedOnceAndTheWholeViewOnlyWhenAsked() {
    AtomicInteger lookUps = new AtomicInteger();
    AtomicInteger views = new AtomicInteger();
    FieldValues fields =
        new FieldValues(
            field -> {
              lookUps.incrementAndGet();
              return field.path();
            },
            () -> {
              views.incrementAndGet();
              return Map.of();
            });
    fields.get(ProfileField.GEO_CITY);
    fields.get(ProfileField.GEO_CITY);
    fields.get(ProfileField.VISITS);
    assertThat(lookUps).hasValue(2);
    assertThat(views).hasValue(0);
    fields.view();
    fields.view();
    assertThat(views).hasValue(1);
  }

  /**
   * The view as ProfileView built it, map by map, before every value came from one function per
   * field: the oracle that the rewrite changed no value.
   */
  private static Map<String, Object> viewAsItWas(VisitorProfile p, long now, ProfileSettings s) {
    long lastSeen = p.getLastSeen().toEpochMilli();
    boolean online = now - lastSeen < s.onlineWindow().toMillis();
    long activeUntil = Math.min(now, lastSeen + s.onlineWindow().toMillis());
    Map<String, Object> visitor = new HashMap<>();
    visitor.put("visits", (long) p.getVisits());
    visitor.put("pageViews", (long) p.getPageViews());
    visitor.put("chats", (long) p.getChats());
    visitor.put("online", online);
    visitor.put("firstSeen", p.getFirstSeen().getEpochSecond());
    visitor.put("lastSeen", p.getLastSeen().getEpochSecond());
    var visit = p.getVisit();
    Map<String, Object> v = new HashMap<>();
    v.put("landingUrl", text(visit.getLandingUrl()));
    v.put("currentUrl", text(visit.getCurrentUrl()));
    v.put("currentPath", ProfileView.pathOf(visit.getCurrentUrl()));
    v.put("chatRequestUrl", text(visit.getChatRequestUrl()));
    v.put("pageViews", (long) visit.getPageViews());
    v.put("secondsOnSite", Math.max(0, (activeUntil - visit.getStartedAt().toEpochMilli()) / 1000));
    Instant since = visit.getCurrentPageSince();
    v.put(
        "secondsOnPage",
        since == null ? 0L : Math.max(0, (activeUntil - since.toEpochMilli()) / 1000));
    visitor.put("visit", v);
    var geo = p.getGeo();
    visitor.put(
        "geo",
        Map.of(
            "country", text(geo.getCountry()),
            "region", text(geo.getRegion()),
            "city", text(geo.getCity()),
            "timezone", text(geo.getTimezone()),
            "language", text(geo.getLanguage())));
    var source = p.getSource();
    var campaign = source.getCampaign();
    Map<String, String> utm = new HashMap<>();
    if (campaign != null) {
      putIfSet(utm, "source", campaign.getSource());
      putIfSet(utm, "medium", campaign.getMedium());
      putIfSet(utm, "campaign", campaign.getName());
      putIfSet(utm, "term", campaign.getTerm());
      putIfSet(utm, "content", campaign.getContent());
    }
    visitor.put(
        "source",
        Map.of(
            "referrerUrl", text(source.getReferrerUrl()),
            "referrerDomain", text(source.getReferrerDomain()),
            "referrerClass", source.getReferrerClass().name().toLowerCase(Locale.ROOT),
            "searchEngine", text(source.getSearchEngine()).toLowerCase(Locale.ROOT),
            "searchKeywords", text(source.getSearchKeywords()),
            "campaign", campaign == null ? "" : text(campaign.getName()),
            "utm", utm));
    visitor.put("preChat", p.getPreChat());
    visitor.put("postChat", p.getPostChat());
    visitor.put("offlineMessage", p.getOfflineMessage());
    visitor.put("customVariables", p.getCustomVariables());
    var identity = p.getIdentity();
    visitor.put(
        "identity",
        Map.of(
            "name", text(identity.getName()),
            "email", text(identity.getEmail()),
            "customerId", text(identity.getCustomerId())));
    var cart = p.getCart();
    long items = cart.getItems().stream().mapToLong(CartItem::getQuantity).sum();
    Instant updated = cart.getUpdatedAt();
    visitor.put(
        "cart",
        Map.of(
            "itemCount", items,
            "value", cart.getValue(),
            "currency", text(cart.getCurrency()),
            "skus", cart.getItems().stream().map(CartItem::getSku).toList(),
            "idleSeconds",
                items == 0 || updated == null
                    ? 0L
                    : Math.max(0, (now - updated.toEpochMilli()) / 1000)));
    var purchases = p.getPurchases();
    visitor.put(
        "purchases",
        Map.of("count", (long) purchases.getCount(), "totalValue", purchases.getTotalValue()));
    var device = p.getDevice();
    visitor.put(
        "device",
        Map.of(
            "type", text(device.getType()),
            "os", text(device.getOs()),
            "browser", text(device.getBrowser())));
    return visitor;
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static void putIfSet(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
