package io.visitorprofiler.gateway.enrich;

import io.visitorprofiler.schemas.Campaign;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.TrafficSource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a visit came from, from the page URL and its referrer: the referrer's domain and class
 * (search, social, email, internal, direct, campaign, other referral), the search engine and the
 * keywords when the referrer carries them, and the {@code utm_*} campaign of the landing page.
 *
 * <p>Order of decision: a same-site referrer is INTERNAL; a page tagged with {@code
 * utm_medium=email} is EMAIL; any other {@code utm_*} tag or an ad click id ({@code gclid}, {@code
 * msclkid}, {@code dclid}) is a paid/tagged CAMPAIGN; then the referrer's host decides (search
 * engine, social network, webmail), an unknown host is REFERRAL, and no referrer is DIRECT.
 */
public final class ReferrerClassifier {
  private static final int MAX_KEYWORDS = 256;

  /**
   * A search engine: the hosts it answers on, with their subdomains ("bing.com" is also
   * cn.bing.com), or, ending in a dot, its first label on any country domain ("google." is
   * google.com and google.co.uk, not mail.google.com or docs.google.com).
   */
  private record SearchEngine(String name, List<String> hosts, List<String> keywordParams) {}

  private static final List<SearchEngine> SEARCH_ENGINES =
      List.of(
          new SearchEngine("Google", List.of("google."), List.of("q")),
          new SearchEngine("Bing", List.of("bing.com"), List.of("q")),
          new SearchEngine("Yahoo", List.of("search.yahoo.com", "yahoo.co.jp"), List.of("p")),
          new SearchEngine("DuckDuckGo", List.of("duckduckgo.com"), List.of("q")),
          new SearchEngine("Baidu", List.of("baidu.com"), List.of("wd", "word")),
          new SearchEngine("Yandex", List.of("yandex."), List.of("text")),
          new SearchEngine("Ecosia", List.of("ecosia.org"), List.of("q")),
          new SearchEngine("Brave", List.of("search.brave.com"), List.of("q")),
          new SearchEngine("Startpage", List.of("startpage.com"), List.of("query", "q")),
          new SearchEngine("Qwant", List.of("qwant.com"), List.of("q")),
          new SearchEngine("Naver", List.of("search.naver.com"), List.of("query")),
          new SearchEngine("Seznam", List.of("search.seznam.cz"), List.of("q")),
          new SearchEngine("Ask", List.of("ask.com"), List.of("q")),
          new SearchEngine("AOL", List.of("search.aol.com"), List.of("q")));

  /** Positions in {@link #SEARCH_ENGINES} by a host an engine answers on. */
  private static final Map<String, Integer> ENGINES_BY_HOST = enginesBy(false);

  /** Positions in {@link #SEARCH_ENGINES} by an engine's first label, with its dot. */
  private static final Map<String, Integer> ENGINES_BY_FIRST_LABEL = enginesBy(true);

  private static Map<String, Integer> enginesBy(boolean firstLabel) {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < SEARCH_ENGINES.size(); i++) {
      for (String host : SEARCH_ENGINES.get(i).hosts()) {
        if (host.endsWith(".") && host.indexOf('.') != host.length() - 1) {
          throw new IllegalStateException("a first label has one dot, at its end: " + host);
        }
        if (host.endsWith(".") == firstLabel) {
          positions.putIfAbsent(host, i); // the first engine of the list wins
        }
      }
    }
    return Map.copyOf(positions);
  }

  private static final Set<String> SOCIAL =
      Set.of(
          "facebook.com",
          "fb.com",
          "fb.me",
          "instagram.com",
          "t.co",
          "twitter.com",
          "x.com",
          "linkedin.com",
          "lnkd.in",
          "pinterest.com",
          "reddit.com",
          "youtube.com",
          "youtu.be",
          "tiktok.com",
          "snapchat.com",
          "whatsapp.com",
          "wa.me",
          "t.me",
          "threads.net",
          "tumblr.com",
          "vk.com",
          "quora.com",
          "bsky.app",
          "mastodon.social",
          "news.ycombinator.com");

  private static final Set<String> WEBMAIL =
      Set.of(
          "mail.google.com",
          "outlook.live.com",
          "outlook.office.com",
          "outlook.office365.com",
          "mail.yahoo.com",
          "mail.aol.com",
          "mail.proton.me",
          "mail.zoho.com",
          "mail.yandex.ru",
          "webmail.gmx.net",
          "mail.gmx.com",
          "web.de");

  private static final String[] CLICK_IDS = {"gclid", "msclkid", "dclid", "wbraid"};

  /**
   * Classifies the source of the page view at {@code pageUrl} reached from {@code referrerUrl}
   * (either may be null).
   */
  public TrafficSource classify(String pageUrl, String referrerUrl) {
    UrlParts page = UrlParts.of(pageUrl).orElse(null);
    UrlParts referrer = UrlParts.of(referrerUrl).orElse(null);
    Campaign campaign = page == null ? null : campaign(page);
    String referrerDomain = referrer == null ? null : referrer.domain();
    SearchEngine engine = referrer == null ? null : searchEngine(referrerDomain);
    String keywords = engine == null ? null : keywords(engine, referrer);

    ReferrerClass referrerClass;
    if (referrer != null && page != null && sameSite(page, referrer)) {
      referrerClass = ReferrerClass.INTERNAL;
    } else if (campaign != null && "email".equalsIgnoreCase(campaign.getMedium())) {
      referrerClass = ReferrerClass.EMAIL;
    } else if (campaign != null || (page != null && hasClickId(page))) {
      referrerClass = ReferrerClass.CAMPAIGN;
    } else if (referrer == null) {
      referrerClass = ReferrerClass.DIRECT;
    } else if (isWebmail(referrer.host())) {
      referrerClass = ReferrerClass.EMAIL;
    } else if (engine != null) {
      referrerClass = ReferrerClass.SEARCH;
    } else if (matchesDomain(referrerDomain, SOCIAL)) {
      referrerClass = ReferrerClass.SOCIAL;
    } else {
      referrerClass = ReferrerClass.REFERRAL;
    }
    return new TrafficSource(
        referrer == null ? null : cap(referrerUrl.trim(), 2048),
        referrerDomain,
        referrerClass,
        engine == null ? null : engine.name(),
        keywords,
        campaign);
  }

  /**
   * The engine of a referrer's domain, the first of the list when several would match; looked up by
   * the domain's first label and by each of its suffixes instead of testing every host of every
   * engine (iterating those lists was 1.9 % of the gateway's samples under load).
   */
  private static SearchEngine searchEngine(String domain) {
    int first = Integer.MAX_VALUE;
    int dot = domain.indexOf('.');
    if (dot > 0) {
      Integer byLabel = ENGINES_BY_FIRST_LABEL.get(domain.substring(0, dot + 1));
      if (byLabel != null) {
        first = byLabel;
      }
    }
    for (int from = 0; from >= 0; ) {
      Integer byHost = ENGINES_BY_HOST.get(from == 0 ? domain : domain.substring(from));
      if (byHost != null && byHost < first) {
        first = byHost;
      }
      int next = domain.indexOf('.', from);
      from = next < 0 ? -1 : next + 1;
    }
    return first == Integer.MAX_VALUE ? null : SEARCH_ENGINES.get(first);
  }

  /** The search words of the first of the engine's keyword parameters that the referrer has. */
  private static String keywords(SearchEngine engine, UrlParts referrer) {
    for (String param : engine.keywordParams()) {
      Optional<String> words = referrer.param(param, MAX_KEYWORDS);
      if (words.isPresent()) {
        return words.get();
      }
    }
    return null;
  }

  /** The {@code utm_*} tags of a landing page, or null when it carries none. */
  static Campaign campaign(UrlParts page) {
    Optional<String> source = page.param("utm_source", 128);
    Optional<String> medium = page.param("utm_medium", 128);
    Optional<String> name = page.param("utm_campaign", 128);
    Optional<String> term = page.param("utm_term", 128);
    Optional<String> content = page.param("utm_content", 128);
    if (source.isEmpty()
        && medium.isEmpty()
        && name.isEmpty()
        && term.isEmpty()
        && content.isEmpty()) {
      return null;
    }
    return new Campaign(
        source.map(s -> s.toLowerCase(Locale.ROOT)).orElse(null),
        medium.map(m -> m.toLowerCase(Locale.ROOT)).orElse(null),
        name.orElse(null),
        term.orElse(null),
        content.orElse(null));
  }

  private static boolean hasClickId(UrlParts page) {
    for (String id : CLICK_IDS) {
      if (page.param(id, 256).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameSite(UrlParts page, UrlParts referrer) {
    return page.domain().equals(referrer.domain())
        || registrable(page.domain()).equals(registrable(referrer.domain()));
  }

  /**
   * The registrable part of a host, approximately: the last two labels, or three when the
   * second-to-last is a short public suffix label such as {@code co.uk} or {@code com.au}.
   */
  static String registrable(String host) {
    int last = host.lastIndexOf('.');
    int second = last <= 0 ? -1 : host.lastIndexOf('.', last - 1);
    if (second < 0) {
      return host;
    }
    int third = second == 0 ? -1 : host.lastIndexOf('.', second - 1);
    boolean shortSuffix = last - second - 1 <= 3 && host.length() - last - 1 == 2;
    if (shortSuffix && third >= 0) {
      return host.substring(third + 1);
    }
    return shortSuffix ? host : host.substring(second + 1);
  }

  private static boolean matchesDomain(String domain, Set<String> known) {
    if (domain == null) {
      return false;
    }
    for (String candidate = domain;
        candidate.contains(".");
        candidate = candidate.substring(candidate.indexOf('.') + 1)) {
      if (known.contains(candidate)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWebmail(String host) {
    return WEBMAIL.contains(host) || host.startsWith("webmail.") || host.startsWith("mail.");
  }

  private static String cap(String text, int max) {
    return text.length() > max ? text.substring(0, max) : text;
  }
}
