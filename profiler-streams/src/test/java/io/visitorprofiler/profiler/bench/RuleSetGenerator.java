package io.visitorprofiler.profiler.bench;

import io.visitorprofiler.schemas.SegmentDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule sets of a given size drawn from the segment catalogue's classes (behavioural, geographic,
 * source, custom, cart, time-based), with varied constants so that no two rules are the same.
 */
final class RuleSetGenerator {
  private static final String[] CITIES = {
    "Miami", "Boston", "Chicago", "London", "Berlin", "Austin", "Denver", "Paris"
  };
  private static final String[] PATHS = {
    "/checkout", "/cart", "/yoga", "/cups", "/sale", "/kitchen"
  };

  private RuleSetGenerator() {}

  static List<SegmentDefinition> rules(int count, Instant savedAt) {
    List<SegmentDefinition> rules = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rules.add(definition("bench-" + count + "-" + i, i, condition(i), savedAt));
    }
    return rules;
  }

  private static String condition(int i) {
    int v = i / 12;
    return switch (i % 12) {
      case 0 -> "visitor.visits >= " + (2 + v % 3);
      case 1 -> "visitor.geo.city == '" + CITIES[v % CITIES.length] + "'";
      case 2 ->
          "visitor.source.referrerDomain == 'facebook.com' && visitor.pageViews >= " + (1 + v % 4);
      case 3 ->
          "visitor.source.searchEngine == 'google' && visitor.source.searchKeywords.contains('"
              + (v % 2 == 0 ? "yoga" : "cups")
              + "')";
      case 4 -> "visitor.cart.itemCount > 0 && visitor.cart.value < " + (20 + v % 80) + ".0";
      case 5 -> "'SKU-" + (v % 200) + "' in visitor.cart.skus";
      case 6 ->
          "'found_what_you_were_looking_for' in visitor.postChat && visitor.postChat['found_what_you_were_looking_for'] == 'no'";
      case 7 ->
          "visitor.visit.currentPath == '"
              + PATHS[v % PATHS.length]
              + "' && visitor.cart.itemCount > "
              + (v % 3);
      case 8 ->
          "visitor.purchases.count >= 1 && visitor.purchases.totalValue > " + (10 + v % 100) + ".0";
      case 9 -> "visitor.device.type == 'mobile' && visitor.visit.pageViews >= " + (2 + v % 4);
      case 10 ->
          "visitor.cart.itemCount > 0 && visitor.cart.idleSeconds >= " + (300 + 60 * (v % 10));
      default ->
          "visitor.visit.secondsOnSite >= " + (60 + 30 * (v % 10)) + " && visitor.pageViews > 2";
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
