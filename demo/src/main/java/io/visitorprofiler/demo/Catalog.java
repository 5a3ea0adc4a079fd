package io.visitorprofiler.demo;

import java.util.List;
import java.util.Optional;

/** The demo shop's products; the simulated visitors and the shop page share them. */
public final class Catalog {
  /** A product: SKU (as the segment rules name it), URL slug, name, price in USD. */
  public record Product(String sku, String slug, String name, double price) {
    public String path() {
      return "/products/" + slug;
    }
  }

  public static final Product CUPS =
      new Product("CUPS-6", "cups", "Set of 6 Stainless Steel Cups", 24.0);
  public static final Product SAUCERS =
      new Product("SAUCER-6", "saucers", "Set of 6 Stainless Steel Saucers", 18.0);
  public static final Product TEAPOT = new Product("TEAPOT-1", "teapot", "Cast Iron Teapot", 39.0);
  public static final Product YOGA_PANTS =
      new Product("YOGA-PANTS", "yoga-pants", "High-Waist Yoga Pants", 58.0);
  public static final Product BEACH_TOWEL =
      new Product("BEACH-TOWEL", "beach-towel", "Oversized Beach Towel", 22.0);
  public static final Product SUNGLASSES =
      new Product("SUNGLASSES-P", "sunglasses", "Polarised Sunglasses", 120.0);

  public static final List<Product> PRODUCTS =
      List.of(CUPS, SAUCERS, TEAPOT, YOGA_PANTS, BEACH_TOWEL, SUNGLASSES);

  private Catalog() {}

  public static Optional<Product> bySlug(String slug) {
    return PRODUCTS.stream().filter(p -> p.slug().equals(slug)).findFirst();
  }
}
