package io.visitorprofiler.profiler.bench;

import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule sets of a given size drawn from the segment catalogue's classes (behavioural, geographic,
 * source, custom, cart, time-based), with varied constants. The constants cycle with the rule
 * number, so sets of up to 122 rules are all distinct, and larger ones repeat conditions: 1,000
 * rules hold 501 distinct conditions, the page-bound ones in groups of up to nine identical copies
 * that change together on a page view. Measured against this mix since session 4; a mix without
 * repeats needs its own figures ({@code RuleSetGeneratorTest} pins it).
 */
final class RuleSetGenerator {
  private static final String[] CITIES = VisitorGenerator.CITIES;
  private static final String[] PATHS = VisitorGenerator.PATHS;
  private static final String[] KEYWORDS = VisitorGenerator.KEYWORDS;

  private RuleSetGenerator() {}

  static List<SegmentDefinition> rules(int count, Instant savedAt) {
    List<SegmentDefinition> rules = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rules.add(definition("bench-" + count + "-" + i, i, condition(i), savedAt));
    }
    return rules;
  }

  /**
   * Rules get more specific as the set grows, as a real catalogue does (a segment per product,
   * city, landing page or keyword), rather than piling near-identical thresholds on the same
   * visitors: a visitor belongs to a handful of segments, not to a tenth of them.
   */
  private static String condition(int i) {
    int v = i / 12;
    return switch (i % 12) {
      case 0 ->
          "visitor.visits >= "
              + (2 + v % 5)
              + " && visitor.geo.city == '"
              + CITIES[v % CITIES.length]
              + "'";
      case 1 ->
          "visitor.geo.city == '"
              + CITIES[v % CITIES.length]
              + "' && visitor.device.type == '"
              + (v % 2 == 0 ? "mobile" : "desktop")
              + "'";
      case 2 ->
          "visitor.source.referrerDomain == 'facebook.com' && visitor.visit.currentPath == '"
              + PATHS[v % PATHS.length]
              + "'";
      case 3 ->
          "visitor.source.searchKeywords == '"
              + KEYWORDS[v % KEYWORDS.length]
              + "' && visitor.pageViews >= "
              + (1 + v % 6);
      case 4 ->
          "visitor.cart.itemCount > 0 && visitor.cart.value < "
              + (20 + v % 80)
              + ".0 && '"
              + sku(v)
              + "' in visitor.cart.skus";
      case 5 -> "'" + sku(v) + "' in visitor.cart.skus";
      case 6 ->
          "visitor.postChat['found_what_you_were_looking_for'] == 'no' && visitor.geo.city == '"
              + CITIES[v % CITIES.length]
              + "'";
      case 7 ->
          "visitor.visit.currentPath == '"
              + PATHS[v % PATHS.length]
              + "' && visitor.cart.itemCount > "
              + (v % 4);
      case 8 ->
          "visitor.purchases.count >= "
              + (1 + v % 3)
              + " && visitor.purchases.totalValue > "
              + (10 + 10 * (v % 20))
              + ".0";
      case 9 ->
          "visitor.visit.landingUrl.endsWith('"
              + PATHS[v % PATHS.length]
              + "') && visitor.visit.pageViews >= "
              + (2 + v % 5);
      case 10 ->
          "'"
              + sku(v)
              + "' in visitor.cart.skus && visitor.cart.idleSeconds >= "
              + (300 + 60 * (v % 10));
      default ->
          "visitor.visit.secondsOnSite >= "
              + (60 + 30 * (v % 10))
              + " && visitor.visit.currentPath == '"
              + PATHS[v % PATHS.length]
              + "'";
    };
  }

  private static String sku(int v) {
    return "SKU-" + (v * 7 % 200);
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
