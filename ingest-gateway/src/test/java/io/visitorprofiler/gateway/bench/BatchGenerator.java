package io.visitorprofiler.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic tracker batches for the load harness: visitors browsing a shop (page views with
 * referrers and campaign tags, heartbeats, cart updates, the odd chat message), in the JSON that
 * tracker.js posts. A fixed seed makes runs comparable.
 */
final class BatchGenerator {
  private static final String[] PAGES = {
    "/", "/category/kitchen", "/category/outdoor", "/product/cups-6", "/product/kettle",
    "/product/tent-2p", "/cart", "/checkout", "/search?q=stainless+cups", "/blog/camping-tips"
  };
  private static final String[] REFERRERS = {
    "",
    "https://www.google.com/search?q=stainless+steel+cups",
    "https://www.bing.com/search?q=kettle",
    "https://l.facebook.com/",
    "https://t.co/abc",
    "https://news.example.org/best-kettles",
    ""
  };
  private static final String[] CAMPAIGNS = {
    "", "", "", "?utm_source=facebook&utm_medium=cpc&utm_campaign=winter", "?gclid=abc123"
  };
  private static final String[] ZONES = {
    "America/New_York", "America/Chicago", "Europe/Berlin", "Europe/London", "Asia/Tokyo"
  };

  private final SplittableRandom random;

  BatchGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code count} distinct batch bodies of {@code size} events each. */
  List<String> batches(int count, int size) {
    List<String> batches = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batches.add(batch(size));
    }
    return batches;
  }

  private String batch(int size) {
    StringBuilder json = new StringBuilder(size * 300);
    long now = System.currentTimeMillis();
    json.append("{\"sentAt\":").append(now).append(",\"events\":[");
    String visitor = "v-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        json.append(',');
      }
      if (i % 5 == 0) {
        visitor = "v-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
      }
      event(json, visitor, now - (size - i) * 1000L);
    }
    return json.append("]}").toString();
  }

  private void event(StringBuilder json, String visitor, long timestamp) {
    String page = "https://shop.example" + PAGES[random.nextInt(PAGES.length)];
    json.append("{\"visitorId\":\"").append(visitor).append("\",\"timestamp\":").append(timestamp);
    int kind = random.nextInt(100);
    if (kind < 55) {
      json.append(",\"type\":\"page_view\",\"url\":\"")
          .append(page)
          .append(CAMPAIGNS[random.nextInt(CAMPAIGNS.length)])
          .append("\",\"referrer\":\"")
          .append(REFERRERS[random.nextInt(REFERRERS.length)])
          .append("\",\"title\":\"Shop page\",\"timezone\":\"")
          .append(ZONES[random.nextInt(ZONES.length)])
          .append("\",\"language\":\"en-US\",\"virtual\":false}");
    } else if (kind < 85) {
      json.append(",\"type\":\"heartbeat\",\"url\":\"").append(page).append("\"}");
    } else if (kind < 97) {
      int quantity = 1 + random.nextInt(3);
      json.append(
              ",\"type\":\"cart_updated\",\"items\":[{\"sku\":\"CUPS-6\",\"name\":\"Set of 6 cups\",\"price\":24.0,\"quantity\":")
          .append(quantity)
          .append(
              "},{\"sku\":\"KETTLE-1\",\"name\":\"Kettle\",\"price\":39.5,\"quantity\":1}],\"value\":")
          .append(24.0 * quantity + 39.5)
          .append(",\"currency\":\"USD\"}");
    } else {
      json.append(",\"type\":\"chat_message\",\"chatId\":\"c-")
          .append(visitor)
          .append("\",\"text\":\"Hi, do you ship to Miami by Friday?\"}");
    }
  }
}
