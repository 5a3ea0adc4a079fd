package io.visitorprofiler.profiler.profile;

import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.Geo;
import io.visitorprofiler.schemas.TrafficSource;
import io.visitorprofiler.schemas.VisitorProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The profile as segment rules see it at a given moment: nested maps shaped like {@link
 * io.visitorprofiler.profiler.rules.VisitorCelTypes}, strings never null (empty when unknown),
 * integers as {@code Long}, and time-dependent fields computed for that moment.
 */
public final class ProfileView {
  private ProfileView() {}

  public static Map<String, Object> of(VisitorProfile p, long nowMillis, ProfileSettings settings) {
    long lastSeen = p.getLastSeen().toEpochMilli();
    boolean online = nowMillis - lastSeen < settings.onlineWindow().toMillis();
    // Time on site and on page grow while the visitor is online and freeze when they leave.
    long activeUntil = Math.min(nowMillis, lastSeen + settings.onlineWindow().toMillis());

    Map<String, Object> visitor = new HashMap<>(24);
    visitor.put("visits", (long) p.getVisits());
    visitor.put("pageViews", (long) p.getPageViews());
    visitor.put("chats", (long) p.getChats());
    visitor.put("online", online);
    visitor.put("firstSeen", p.getFirstSeen().getEpochSecond());
    visitor.put("lastSeen", p.getLastSeen().getEpochSecond());

    var visit = p.getVisit();
    Map<String, Object> v = new HashMap<>(12);
    v.put("landingUrl", text(visit.getLandingUrl()));
    v.put("currentUrl", text(visit.getCurrentUrl()));
    v.put("currentPath", pathOf(visit.getCurrentUrl()));
    v.put("chatRequestUrl", text(visit.getChatRequestUrl()));
    v.put("pageViews", (long) visit.getPageViews());
    v.put("secondsOnSite", seconds(visit.getStartedAt().toEpochMilli(), activeUntil));
    Instant pageSince = visit.getCurrentPageSince();
    v.put("secondsOnPage", pageSince == null ? 0L : seconds(pageSince.toEpochMilli(), activeUntil));
    visitor.put("visit", v);

    Geo geo = p.getGeo();
    visitor.put(
        "geo",
        Map.of(
            "country", text(geo.getCountry()),
            "region", text(geo.getRegion()),
            "city", text(geo.getCity()),
            "timezone", text(geo.getTimezone()),
            "language", text(geo.getLanguage())));

    TrafficSource source = p.getSource();
    Map<String, Object> s = new HashMap<>(10);
    s.put("referrerUrl", text(source.getReferrerUrl()));
    s.put("referrerDomain", text(source.getReferrerDomain()));
    s.put("referrerClass", source.getReferrerClass().name().toLowerCase(Locale.ROOT));
    // Lower case like the referrer class: the gateway says "Google", conditions say 'google'.
    s.put("searchEngine", text(source.getSearchEngine()).toLowerCase(Locale.ROOT));
    s.put("searchKeywords", text(source.getSearchKeywords()));
    var campaign = source.getCampaign();
    s.put("campaign", campaign == null ? "" : text(campaign.getName()));
    s.put("utm", utm(campaign));
    visitor.put("source", s);

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
    long itemCount = 0;
    List<String> skus = new ArrayList<>(cart.getItems().size());
    for (CartItem item : cart.getItems()) {
      itemCount += item.getQuantity();
      skus.add(item.getSku());
    }
    Instant cartUpdated = cart.getUpdatedAt();
    Map<String, Object> c = new HashMap<>(8);
    c.put("itemCount", itemCount);
    c.put("value", cart.getValue());
    c.put("currency", text(cart.getCurrency()));
    c.put("skus", skus);
    c.put(
        "idleSeconds",
        itemCount == 0 || cartUpdated == null
            ? 0L
            : seconds(cartUpdated.toEpochMilli(), nowMillis));
    visitor.put("cart", c);

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

  /** The path of a URL without query or fragment: {@code https://a.b/c/d?x} gives {@code /c/d}. */
  public static String pathOf(String url) {
    if (url == null || url.isEmpty()) {
      return "";
    }
    int start = url.indexOf("://");
    start = start < 0 ? 0 : url.indexOf('/', start + 3);
    if (start < 0) {
      return "/";
    }
    int end = url.length();
    int query = url.indexOf('?', start);
    int fragment = url.indexOf('#', start);
    if (query >= 0) {
      end = query;
    }
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    return url.substring(start, end);
  }

  private static long seconds(long fromMillis, long toMillis) {
    return Math.max(0, (toMillis - fromMillis) / 1000);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static Map<String, String> utm(io.visitorprofiler.schemas.Campaign campaign) {
    if (campaign == null) {
      return Map.of();
    }
    Map<String, String> utm = new HashMap<>(8);
    putIfSet(utm, "source", campaign.getSource());
    putIfSet(utm, "medium", campaign.getMedium());
    putIfSet(utm, "campaign", campaign.getName());
    putIfSet(utm, "term", campaign.getTerm());
    putIfSet(utm, "content", campaign.getContent());
    return utm;
  }

  private static void putIfSet(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
