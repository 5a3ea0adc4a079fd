package io.visitorprofiler.profiler.bench;

import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule sets of a given size drawn from the segment catalogue's classes (behavioural, geographic,
 * source, custom, cart, time-based), with constants from the {@link Shop}'s vocabulary. Rule {@code
 * i} is of class {@code i % 12} and takes the {@code i / 12}-th city, page or search phrase, the
 * SKU {@code 7 (i / 12)} and the {@code i / 12}-th order total: on {@link Shop#CATALOGUE} every
 * condition of a 1,000-rule set is its own; on {@link Shop#SMALL} the constants cycle after 122
 * rules and 1,000 rules hold 501 distinct conditions ({@code RuleSetGeneratorTest} pins both). Some
 * classes cannot match the generated visitors (decision 21 lists them).
 */
final class RuleSetGenerator {
  private RuleSetGenerator() {}

  static List<SegmentDefinition> rules(Shop shop, int count, Instant savedAt) {
    List<SegmentDefinition> rules = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rules.add(definition("bench-" + count + "-" + i, i, condition(shop, i), savedAt));
    }
    return rules;
  }

  /**
   * Rules get more specific as the set grows, as a real catalogue does (a segment per product,
   * city, landing page or keyword), rather than piling near-identical thresholds on the same
   * visitors: a visitor belongs to a handful of segments, not to a tenth of them.
   */
  private static String condition(Shop shop, int i) {
    int v = i / 12;
    return switch (i % 12) {
      case 0 ->
          "visitor.visits >= "
              + (2 + v % 5)
              + " && visitor.geo.city == '"
              + shop.cities()[v % shop.cities().length]
              + "'";
      case 1 ->
          "visitor.geo.city == '"
              + shop.cities()[v % shop.cities().length]
              + "' && visitor.device.type == '"
              + (v % 2 == 0 ? "mobile" : "desktop")
              + "'";
      case 2 ->
          "visitor.source.referrerDomain == 'facebook.com' && visitor.visit.currentPath == '"
              + shop.paths()[v % shop.paths().length]
              + "'";
      case 3 ->
          "visitor.source.searchKeywords == '"
              + shop.keywords()[v % shop.keywords().length]
              + "' && visitor.pageViews >= "
              + (1 + v % 6);
      case 4 ->
          "visitor.cart.itemCount > 0 && visitor.cart.value < "
              + (20 + v % 80)
              + ".0 && '"
              + shop.sku(v * 7)
              + "' in visitor.cart.skus";
      case 5 -> "'" + shop.sku(v * 7) + "' in visitor.cart.skus";
      case 6 ->
          "visitor.postChat['found_what_you_were_looking_for'] == 'no' && visitor.geo.city == '"
              + shop.cities()[v % shop.cities().length]
              + "'";
      case 7 ->
          "visitor.visit.currentPath == '"
              + shop.paths()[v % shop.paths().length]
              + "' && visitor.cart.itemCount > "
              + (v % 4);
      case 8 ->
          "visitor.purchases.count >= "
              + (1 + v % 3)
              + " && visitor.purchases.totalValue > "
              + shop.orderTotal(v)
              + ".0";
      case 9 ->
          "visitor.visit.landingUrl.endsWith('"
              + shop.paths()[v % shop.paths().length]
              + "') && visitor.visit.pageViews >= "
              + (2 + v % 5);
      case 10 ->
          "'"
              + shop.sku(v * 7)
              + "' in visitor.cart.skus && visitor.cart.idleSeconds >= "
              + (300 + 60 * (v % 10));
      default ->
          "visitor.visit.secondsOnSite >= "
              + (60 + 30 * (v % 10))
              + " && visitor.visit.currentPath == '"
              + shop.paths()[v % shop.paths().length]
              + "'";
    };
  }

  static SegmentDefinition definition(String id, int priority, String condition, Instant savedAt) {
    return SegmentDefinition.newBuilder()
        .setSegmentId(id)
        .setSiteId("bench")
        .setName(id)
        .setLabel(id)
        .setColor("#336699")
        .setPriority(priority)
        .setCondition(condition)
        .setVersion(1)
        .setUpdatedAt(savedAt)
        .build();
  }
}
