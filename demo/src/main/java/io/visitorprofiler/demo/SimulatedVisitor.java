package io.visitorprofiler.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visitorprofiler.demo.Catalog.Product;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One simulated browser on the demo shop: the events tracker.js would send for a person's clicks,
 * posted through the real gateway, with the page's invitation stream open while the visitor is on
 * the site. Personas script it; this class only knows how a browser behaves.
 */
final class SimulatedVisitor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final String visitorId;
  private final String siteId;
  private final String shopUrl;
  private final Persona persona;
  private final GatewayClient gateway;
  private final Random random;
  private final Map<String, String> headers;
  private final BlockingQueue<ObjectNode> invitations = new LinkedBlockingQueue<>();
  private final List<Product> cart = new ArrayList<>();
  private final SimulationStats stats;
  private String currentUrl;
  private AutoCloseable invitationStream;
  private int chats;

  SimulatedVisitor(
      String visitorId,
      String siteId,
      String shopUrl,
      Persona persona,
      GatewayClient gateway,
      Random random,
      SimulationStats stats) {
    this.visitorId = visitorId;
    this.siteId = siteId;
    this.shopUrl = shopUrl;
    this.persona = persona;
    this.gateway = gateway;
    this.random = random;
    this.stats = stats;
    this.headers = new LinkedHashMap<>();
    headers.put("User-Agent", persona.userAgent());
    // What a CDN in front of the gateway adds; the demo's gateway trusts these headers.
    headers.put("X-Forwarded-For", "198.51.100." + (1 + random.nextInt(254)));
    headers.put("CF-IPCountry", persona.place().country());
    headers.put("CF-Region-Code", persona.place().region());
    headers.put("CF-IPCity", persona.place().city());
  }

  String visitorId() {
    return visitorId;
  }

  Random random() {
    return random;
  }

  List<Product> cart() {
    return List.copyOf(cart);
  }

  // ---- a visit ------------------------------------------------------------------------------

  /** The first page of a visit, with the persona's referrer, and the invitation stream opened. */
  void arrive(String path) throws InterruptedException {
    invitationStream = gateway.openInvitations(siteId, visitorId, headers, invitations::add);
    String landing = shopUrl + path + persona.landingQuery();
    pageView(landing, persona.referrer(), System.currentTimeMillis());
  }

  void view(String path) throws InterruptedException {
    String previous = currentUrl;
    pageView(shopUrl + path, previous, System.currentTimeMillis());
  }

  /** Stays on the page, a heartbeat every 10 s while visible, answering invitations that arrive. */
  void dwell(Duration time) throws InterruptedException {
    long end = System.nanoTime() + time.toNanos();
    long nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
    while (System.nanoTime() < end) {
      ObjectNode invitation = invitations.poll(250, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (invitation != null) {
        answer(invitation);
      }
      if (System.nanoTime() >= nextHeartbeat) {
        ObjectNode heartbeat = event("heartbeat", System.currentTimeMillis());
        heartbeat.put("url", currentUrl);
        send(heartbeat);
        nextHeartbeat += HEARTBEAT.toNanos();
      }
    }
  }

  void dwellSeconds(int min, int max) throws InterruptedException {
    dwell(Duration.ofMillis(1000L * min + random.nextInt(Math.max(1, 1000 * (max - min)))));
  }

  void addToCart(Product product) throws InterruptedException {
    cart.add(product);
    sendCart();
  }

  void emptyCart() throws InterruptedException {
    cart.clear();
    sendCart();
  }

  void purchase() throws InterruptedException {
    ObjectNode purchase = event("purchase", System.currentTimeMillis());
    purchase.put("orderId", "o-" + UUID.randomUUID().toString().substring(0, 8));
    items(purchase, cart);
    send(purchase);
    emptyCart();
  }

  void identify(String name, String email, String customerId) throws InterruptedException {
    ObjectNode identify = event("identify", System.currentTimeMillis());
    identify.put("name", name).put("email", email);
    if (customerId != null) {
      identify.put("customerId", customerId);
    }
    send(identify);
  }

  void setVariables(Map<String, String> variables) throws InterruptedException {
    ObjectNode event = event("custom_variables", System.currentTimeMillis());
    ObjectNode map = event.putObject("variables");
    variables.forEach(map::put);
    send(event);
  }

  /**
   * A chat from the current page: requested, pre-chat form, an agent joins, a few messages, ended,
   * and the post-chat survey.
   */
  void chat(boolean foundWhatLookingFor) throws InterruptedException {
    String chatId = "c-" + visitorId.substring(2) + "-" + (++chats);
    stats.chats.increment();
    ObjectNode requested = chatEvent("chat_requested", chatId);
    requested.put("url", currentUrl).put("department", "sales");
    ObjectNode prechat = chatEvent("prechat_submitted", chatId);
    prechat.putObject("fields").put("name", persona.firstName()).put("question", "shipping");
    send(requested, prechat);
    Thread.sleep(1500);
    send(chatEvent("chat_started", chatId).put("agentId", "agent-1"));
    message(chatId, "VISITOR", "Hi, do you ship to " + persona.place().city() + "?");
    Thread.sleep(1500);
    message(chatId, "AGENT", "Yes, in two days. Anything else I can help with?");
    Thread.sleep(1500);
    message(chatId, "VISITOR", foundWhatLookingFor ? "Great, thanks!" : "I can't find my size.");
    Thread.sleep(1000);
    ObjectNode ended = chatEvent("chat_ended", chatId).put("endedBy", "visitor");
    ObjectNode postchat = chatEvent("postchat_submitted", chatId);
    postchat
        .putObject("fields")
        .put("found_what_you_were_looking_for", foundWhatLookingFor ? "yes" : "no");
    postchat.put("rating", foundWhatLookingFor ? 5 : 2);
    send(ended, postchat);
  }

  /** Yesterday's visit, as the tracker would deliver it from its buffer (times in the past). */
  void replayEarlierVisit(Duration ago, Product bought) throws InterruptedException {
    long start = System.currentTimeMillis() - ago.toMillis();
    List<ObjectNode> events = new ArrayList<>();
    ObjectNode first = pageViewEvent(shopUrl + "/", persona.referrer(), start);
    events.add(first);
    events.add(pageViewEvent(shopUrl + bought.path(), shopUrl + "/", start + 40_000));
    if (persona.vip()) {
      ObjectNode identify = event("identify", start + 60_000);
      identify
          .put("name", persona.firstName() + " Example")
          .put("email", persona.firstName().toLowerCase(Locale.ROOT) + "@example.com")
          .put("customerId", "cust-" + visitorId.substring(2, 8));
      events.add(identify);
      ObjectNode purchase = event("purchase", start + 90_000);
      purchase.put("orderId", "o-" + visitorId.substring(2, 10));
      items(purchase, List.of(bought, bought, bought));
      events.add(purchase);
    }
    send(events.toArray(ObjectNode[]::new));
    currentUrl = null;
  }

  void leave() {
    if (invitationStream != null) {
      try {
        invitationStream.close();
      } catch (Exception e) {
        // already gone
      }
    }
  }

  // ---- invitations --------------------------------------------------------------------------

  private void answer(ObjectNode invitation) throws InterruptedException {
    stats.invitations.increment();
    boolean accept = random.nextDouble() < persona.acceptsInvitations();
    ObjectNode response = event("invitation_response", System.currentTimeMillis());
    response.put("invitationId", invitation.path("invitationId").asText());
    response.put("response", accept ? "ACCEPTED" : "DECLINED");
    send(response);
    if (accept) {
      stats.invitationsAccepted.increment();
      chat(random.nextDouble() < 0.5);
    }
  }

  /** Invitations received and not yet answered (a persona may wait for one). */
  boolean invitationPending() {
    return !invitations.isEmpty();
  }

  // ---- events -------------------------------------------------------------------------------

  private void pageView(String url, String referrer, long at) throws InterruptedException {
    send(pageViewEvent(url, referrer, at));
  }

  private ObjectNode pageViewEvent(String url, String referrer, long at) {
    ObjectNode view = event("page_view", at);
    view.put("url", url);
    view.put("title", title(url));
    if (referrer != null && !referrer.isEmpty()) {
      view.put("referrer", referrer);
    }
    view.put("timezone", persona.place().timezone());
    view.put("language", persona.language());
    currentUrl = url;
    return view;
  }

  private static String title(String url) {
    String path = url.replaceFirst("^https?://[^/]+", "").replaceFirst("[?#].*$", "");
    if (path.startsWith("/products/")) {
      return Catalog.bySlug(path.substring(10)).map(Product::name).orElse("Product");
    }
    return switch (path) {
      case "/cart" -> "Your cart";
      case "/checkout" -> "Checkout";
      case "/thanks" -> "Thank you";
      default -> "Demo Shop";
    };
  }

  private void sendCart() throws InterruptedException {
    ObjectNode update = event("cart_updated", System.currentTimeMillis());
    items(update, cart);
    send(update);
  }

  private static void items(ObjectNode event, List<Product> products) {
    Map<String, Integer> quantities = new LinkedHashMap<>();
    products.forEach(p -> quantities.merge(p.sku(), 1, Integer::sum));
    ArrayNode items = event.putArray("items");
    double value = 0;
    for (Map.Entry<String, Integer> line : quantities.entrySet()) {
      Product p = products.stream().filter(x -> x.sku().equals(line.getKey())).findFirst().get();
      items
          .addObject()
          .put("sku", p.sku())
          .put("name", p.name())
          .put("price", p.price())
          .put("quantity", line.getValue());
      value += p.price() * line.getValue();
    }
    event.put("value", Math.round(value * 100) / 100.0).put("currency", "USD");
  }

  private ObjectNode chatEvent(String type, String chatId) {
    return event(type, System.currentTimeMillis()).put("chatId", chatId);
  }

  private void message(String chatId, String sender, String text) throws InterruptedException {
    ObjectNode message = chatEvent("chat_message", chatId);
    message.put("messageId", UUID.randomUUID().toString()).put("sender", sender).put("text", text);
    if (sender.equals("AGENT")) {
      message.put("senderId", "agent-1");
    }
    send(message);
  }

  private ObjectNode event(String type, long at) {
    return JSON.createObjectNode()
        .put("type", type)
        .put("visitorId", visitorId)
        .put("eventId", UUID.randomUUID().toString())
        .put("timestamp", at);
  }

  private void send(ObjectNode... events) throws InterruptedException {
    gateway.post(List.of(events), headers);
  }
}
