package io.visitorprofiler.demo;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.visitorprofiler.demo.Catalog.Product;
import io.visitorprofiler.runtime.http.HttpRoutes;
import java.util.Locale;

/**
 * A tiny shop with tracker.js embedded, so a person can click through it and watch their own
 * visitor enter segments in the agent console: a home page, product pages, a cart, a checkout page
 * (where hesitating makes a "hesitant shopper") and a thank-you page. The cart lives in the page's
 * localStorage; every change is told to the tracker ({@code vp.cart}), an order to {@code
 * vp.purchase}, the checkout form's name to {@code vp.identify}.
 */
public final class DemoShop implements HttpRoutes {
  private final String gatewayUrl;
  private final String siteId;
  private final String writeKey;

  public DemoShop(String gatewayUrl, String siteId, String writeKey) {
    this.gatewayUrl = gatewayUrl;
    this.siteId = siteId;
    this.writeKey = writeKey;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/", ctx -> page(ctx, "Demo Shop", home()));
    routes.get("/products/{slug}", this::product);
    routes.get("/cart", ctx -> page(ctx, "Your cart", cart()));
    routes.get("/checkout", ctx -> page(ctx, "Checkout", checkout()));
    routes.get("/thanks", ctx -> page(ctx, "Thank you", "<h1>Thank you for your order!</h1>"));
  }

  private void product(Context ctx) {
    Product p =
        Catalog.bySlug(ctx.pathParam("slug"))
            .orElseThrow(() -> new NotFoundResponse("no such product"));
    page(
        ctx,
        p.name(),
        """
        <h1>%s</h1><p class="price">%s</p>
        <button id="add" data-sku="%s" data-name="%s" data-price="%s"
          onclick="shop.add(this.dataset.sku, this.dataset.name, Number(this.dataset.price))">Add to cart</button>
        <p><a href="/cart">Go to cart</a></p>"""
            .formatted(
                escape(p.name()), money(p.price()), escape(p.sku()), escape(p.name()), p.price()));
  }

  private static String home() {
    StringBuilder list = new StringBuilder("<h1>Demo Shop</h1><ul class=\"products\">");
    for (Product p : Catalog.PRODUCTS) {
      list.append(
          "<li><a href=\"%s\">%s</a> %s</li>"
              .formatted(p.path(), escape(p.name()), money(p.price())));
    }
    return list.append("</ul>").toString();
  }

  private static String cart() {
    return """
        <h1>Your cart</h1><ul id="lines"></ul><p>Total: <b id="total"></b></p>
        <p><a id="checkout" href="/checkout">Checkout</a> · <a href="#" onclick="shop.empty()">Empty cart</a></p>
        <script>shop.render()</script>""";
  }

  private static String checkout() {
    return """
        <h1>Checkout</h1><ul id="lines"></ul><p>Total: <b id="total"></b></p>
        <form onsubmit="shop.order(event)">
          <label>Name <input id="name" autocomplete="name"></label>
          <label>E-mail <input id="email" type="email" autocomplete="email"></label>
          <button id="order">Place order</button>
        </form>
        <script>shop.render()</script>""";
  }

  private void page(Context ctx, String title, String body) {
    ctx.contentType("text/html; charset=utf-8")
        .result(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title>
            <style>body{font:16px system-ui;margin:2em auto;max-width:40em}nav a{margin-right:1em}
            .price{font-size:1.4em}button{font-size:1em;padding:.4em 1em}label{display:block;margin:.5em 0}</style>
            <script>window.vp = window.vp || function () { (window.vp.q = window.vp.q || []).push(arguments) };</script>
            <script async src="%s/tracker.js" data-site="%s" data-key="%s"></script>
            <script>%s</script></head>
            <body><nav><a href="/">Home</a><a href="/cart">Cart (<span id="count">0</span>)</a><a href="/checkout">Checkout</a></nav>
            %s
            <script>shop.count()</script></body></html>"""
                .formatted(
                    escape(title), gatewayUrl, escape(siteId), escape(writeKey), SCRIPT, body));
  }

  /** The cart in localStorage, told to the tracker on every change. */
  private static final String SCRIPT =
      """
      const shop = {
        items: () => JSON.parse(localStorage.getItem('demo_cart') || '[]'),
        total: (items) => items.reduce((s, i) => s + i.price * i.quantity, 0),
        save(items) {
          localStorage.setItem('demo_cart', JSON.stringify(items));
          vp('cart', { items, value: shop.total(items), currency: 'USD' });
          shop.count();
        },
        add(sku, name, price) {
          const items = shop.items();
          const line = items.find((i) => i.sku === sku);
          if (line) line.quantity++; else items.push({ sku, name, price, quantity: 1 });
          shop.save(items);
        },
        empty() { shop.save([]); shop.render(); },
        count() {
          const el = document.getElementById('count');
          if (el) el.textContent = shop.items().reduce((s, i) => s + i.quantity, 0);
        },
        render() {
          const items = shop.items();
          document.getElementById('lines').innerHTML = items.map((i) =>
            `<li>${i.quantity} × ${i.name.replace(/</g, '&lt;')} — $${(i.price * i.quantity).toFixed(2)}</li>`).join('');
          document.getElementById('total').textContent = '$' + shop.total(items).toFixed(2);
        },
        order(e) {
          e.preventDefault();
          const items = shop.items();
          const name = document.getElementById('name').value;
          const email = document.getElementById('email').value;
          // Only what was filled in: the gateway refuses an empty e-mail address.
          if (name || email) vp('identify', { name: name || undefined, email: email || undefined });
          vp('purchase', { orderId: 'o-' + Date.now(), items, value: shop.total(items), currency: 'USD' });
          localStorage.setItem('demo_cart', '[]');
          vp('cart', { items: [], value: 0, currency: 'USD' });
          vp('flush');
          setTimeout(() => { location.href = '/thanks'; }, 300);
        },
      };""";

  static String money(double amount) {
    return String.format(Locale.ROOT, "$%.2f", amount);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
