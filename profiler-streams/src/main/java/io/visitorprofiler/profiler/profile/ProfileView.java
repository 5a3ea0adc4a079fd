package io.visitorprofiler.profiler.profile;

import io.visitorprofiler.profiler.rules.FieldValues;
import io.visitorprofiler.profiler.rules.ProfileField;
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
 * integers as {@code Long}, and time-dependent fields computed for that moment. Every value comes
 * from {@link #field}, whether a guard asks for one field or CEL reads the whole view.
 */
public final class ProfileView {
  private ProfileView() {}

  /** The whole view, as CEL reads it. */
  public static Map<String, Object> of(VisitorProfile p, long nowMillis, ProfileSettings settings) {
    Map<String, Object> visitor = new HashMap<>(24);
    for (ProfileField field : ProfileField.values()) {
      Object value = field(field, p, nowMillis, settings);
      if (field.group().isEmpty()) {
        visitor.put(field.fieldName(), value);
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Object> group =
            (Map<String, Object>)
                visitor.computeIfAbsent(field.group().get(), g -> new HashMap<>(12));
        group.put(field.fieldName(), value);
      }
    }
    return visitor;
  }

  /** The view's fields, each computed when first asked for; the whole view only if CEL needs it. */
  public static FieldValues fields(VisitorProfile p, long nowMillis, ProfileSettings settings) {
    return new FieldValues(
        field -> field(field, p, nowMillis, settings), () -> of(p, nowMillis, settings));
  }

  /** One field of the view. */
  public static Object field(
      ProfileField field, VisitorProfile p, long nowMillis, ProfileSettings settings) {
    var visit = p.getVisit();
    Geo geo = p.getGeo();
    TrafficSource source = p.getSource();
    var identity = p.getIdentity();
    var cart = p.getCart();
    var device = p.getDevice();
    return switch (field) {
      case VISITS -> (long) p.getVisits();
      case PAGE_VIEWS -> (long) p.getPageViews();
      case CHATS -> (long) p.getChats();
      case ONLINE ->
          nowMillis - p.getLastSeen().toEpochMilli() < settings.onlineWindow().toMillis();
      case FIRST_SEEN -> p.getFirstSeen().getEpochSecond();
      case LAST_SEEN -> p.getLastSeen().getEpochSecond();
      case VISIT_LANDING_URL -> text(visit.getLandingUrl());
      case VISIT_CURRENT_URL -> text(visit.getCurrentUrl());
      case VISIT_CURRENT_PATH -> pathOf(visit.getCurrentUrl());
      case VISIT_CHAT_REQUEST_URL -> text(visit.getChatRequestUrl());
      case VISIT_PAGE_VIEWS -> (long) visit.getPageViews();
      case VISIT_SECONDS_ON_SITE ->
          seconds(visit.getStartedAt().toEpochMilli(), activeUntil(p, nowMillis, settings));
      case VISIT_SECONDS_ON_PAGE -> {
        Instant pageSince = visit.getCurrentPageSince();
        yield pageSince == null
            ? 0L
            : seconds(pageSince.toEpochMilli(), activeUntil(p, nowMillis, settings));
      }
      case GEO_COUNTRY -> text(geo.getCountry());
      case GEO_REGION -> text(geo.getRegion());
      case GEO_CITY -> text(geo.getCity());
      case GEO_TIMEZONE -> text(geo.getTimezone());
      case GEO_LANGUAGE -> text(geo.getLanguage());
      case SOURCE_REFERRER_URL -> text(source.getReferrerUrl());
      case SOURCE_REFERRER_DOMAIN -> text(source.getReferrerDomain());
      case SOURCE_REFERRER_CLASS -> source.getReferrerClass().name().toLowerCase(Locale.ROOT);
      // Lower case like the referrer class: the gateway says "Google", conditions say 'google'.
      case SOURCE_SEARCH_ENGINE -> text(source.getSearchEngine()).toLowerCase(Locale.ROOT);
      case SOURCE_SEARCH_KEYWORDS -> text(source.getSearchKeywords());
      case SOURCE_CAMPAIGN ->
          source.getCampaign() == null ? "" : text(source.getCampaign().getName());
      case SOURCE_UTM -> utm(source.getCampaign());
      case PRE_CHAT -> p.getPreChat();
      case POST_CHAT -> p.getPostChat();
      case OFFLINE_MESSAGE -> p.getOfflineMessage();
      case CUSTOM_VARIABLES -> p.getCustomVariables();
      case IDENTITY_NAME -> text(identity.getName());
      case IDENTITY_EMAIL -> text(identity.getEmail());
      case IDENTITY_CUSTOMER_ID -> text(identity.getCustomerId());
      case CART_ITEM_COUNT -> itemCount(cart.getItems());
      case CART_VALUE -> cart.getValue();
      case CART_CURRENCY -> text(cart.getCurrency());
      case CART_SKUS -> {
        List<String> skus = new ArrayList<>(cart.getItems().size());
        for (CartItem item : cart.getItems()) {
          skus.add(item.getSku());
        }
        yield skus;
      }
      case CART_IDLE_SECONDS -> {
        Instant cartUpdated = cart.getUpdatedAt();
        yield itemCount(cart.getItems()) == 0 || cartUpdated == null
            ? 0L
            : seconds(cartUpdated.toEpochMilli(), nowMillis);
      }
      case PURCHASES_COUNT -> (long) p.getPurchases().getCount();
      case PURCHASES_TOTAL_VALUE -> p.getPurchases().getTotalValue();
      case DEVICE_TYPE -> text(device.getType());
      case DEVICE_OS -> text(device.getOs());
      case DEVICE_BROWSER -> text(device.getBrowser());
    };
  }

  /** Time on site and on page grow while the visitor is online and freeze when they leave. */
  private static long activeUntil(VisitorProfile p, long nowMillis, ProfileSettings settings) {
    return Math.min(nowMillis, p.getLastSeen().toEpochMilli() + settings.onlineWindow().toMillis());
  }

  private static long itemCount(List<CartItem> items) {
    long count = 0;
    for (CartItem item : items) {
      count += item.getQuantity();
    }
    return count;
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
