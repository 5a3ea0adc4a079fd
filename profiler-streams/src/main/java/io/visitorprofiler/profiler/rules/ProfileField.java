package io.visitorprofiler.profiler.rules;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The condition vocabulary: every field a segment rule can read through {@code visitor}, with its
 * CEL type and one bit in a {@link FieldMask}. Rules are re-evaluated only when a field they read
 * changed; time-dependent fields change on their own as time passes.
 */
public enum ProfileField {
  VISITS("visits", SimpleType.INT),
  PAGE_VIEWS("pageViews", SimpleType.INT),
  CHATS("chats", SimpleType.INT),
  ONLINE("online", SimpleType.BOOL, true),
  FIRST_SEEN("firstSeen", SimpleType.INT),
  LAST_SEEN("lastSeen", SimpleType.INT),
  VISIT_LANDING_URL("visit.landingUrl", SimpleType.STRING),
  VISIT_CURRENT_URL("visit.currentUrl", SimpleType.STRING),
  VISIT_CURRENT_PATH("visit.currentPath", SimpleType.STRING),
  VISIT_CHAT_REQUEST_URL("visit.chatRequestUrl", SimpleType.STRING),
  VISIT_PAGE_VIEWS("visit.pageViews", SimpleType.INT),
  VISIT_SECONDS_ON_SITE("visit.secondsOnSite", SimpleType.INT, true),
  VISIT_SECONDS_ON_PAGE("visit.secondsOnPage", SimpleType.INT, true),
  GEO_COUNTRY("geo.country", SimpleType.STRING),
  GEO_REGION("geo.region", SimpleType.STRING),
  GEO_CITY("geo.city", SimpleType.STRING),
  GEO_TIMEZONE("geo.timezone", SimpleType.STRING),
  GEO_LANGUAGE("geo.language", SimpleType.STRING),
  SOURCE_REFERRER_URL("source.referrerUrl", SimpleType.STRING),
  SOURCE_REFERRER_DOMAIN("source.referrerDomain", SimpleType.STRING),
  SOURCE_REFERRER_CLASS("source.referrerClass", SimpleType.STRING),
  SOURCE_SEARCH_ENGINE("source.searchEngine", SimpleType.STRING),
  SOURCE_SEARCH_KEYWORDS("source.searchKeywords", SimpleType.STRING),
  SOURCE_CAMPAIGN("source.campaign", SimpleType.STRING),
  SOURCE_UTM("source.utm", MapType.create(SimpleType.STRING, SimpleType.STRING)),
  PRE_CHAT("preChat", MapType.create(SimpleType.STRING, SimpleType.STRING)),
  POST_CHAT("postChat", MapType.create(SimpleType.STRING, SimpleType.STRING)),
  OFFLINE_MESSAGE("offlineMessage", MapType.create(SimpleType.STRING, SimpleType.STRING)),
  CUSTOM_VARIABLES("customVariables", MapType.create(SimpleType.STRING, SimpleType.STRING)),
  IDENTITY_NAME("identity.name", SimpleType.STRING),
  IDENTITY_EMAIL("identity.email", SimpleType.STRING),
  IDENTITY_CUSTOMER_ID("identity.customerId", SimpleType.STRING),
  CART_ITEM_COUNT("cart.itemCount", SimpleType.INT),
  CART_VALUE("cart.value", SimpleType.DOUBLE),
  CART_CURRENCY("cart.currency", SimpleType.STRING),
  CART_SKUS("cart.skus", ListType.create(SimpleType.STRING)),
  CART_IDLE_SECONDS("cart.idleSeconds", SimpleType.INT, true),
  PURCHASES_COUNT("purchases.count", SimpleType.INT),
  PURCHASES_TOTAL_VALUE("purchases.totalValue", SimpleType.DOUBLE),
  DEVICE_TYPE("device.type", SimpleType.STRING),
  DEVICE_OS("device.os", SimpleType.STRING),
  DEVICE_BROWSER("device.browser", SimpleType.STRING);

  private static final Map<String, ProfileField> BY_PATH = new HashMap<>();

  static {
    for (ProfileField field : values()) {
      BY_PATH.put(field.path, field);
    }
  }

  private final String path;
  private final CelType type;
  private final boolean timeDependent;
  private final String group; // null for a top-level field
  private final String fieldName;

  ProfileField(String path, CelType type) {
    this(path, type, false);
  }

  ProfileField(String path, CelType type, boolean timeDependent) {
    this.path = path;
    this.type = type;
    this.timeDependent = timeDependent;
    int dot = path.indexOf('.');
    this.group = dot < 0 ? null : path.substring(0, dot);
    this.fieldName = dot < 0 ? path : path.substring(dot + 1);
  }

  /** The path under {@code visitor}, such as {@code cart.value}. */
  public String path() {
    return path;
  }

  public CelType type() {
    return type;
  }

  /** True for fields whose value changes as time passes, without any event. */
  public boolean timeDependent() {
    return timeDependent;
  }

  /** The group (nested object) of the field, or empty for a top-level field. */
  public Optional<String> group() {
    return Optional.ofNullable(group);
  }

  /** The field's own name within its group. */
  public String fieldName() {
    return fieldName;
  }

  public long bit() {
    return 1L << ordinal();
  }

  public static Optional<ProfileField> byPath(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }
}
