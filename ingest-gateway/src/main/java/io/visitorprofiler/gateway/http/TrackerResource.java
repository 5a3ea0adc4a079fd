package io.visitorprofiler.gateway.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.visitorprofiler.runtime.http.HttpRoutes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /tracker.js}: the tracking script, gzipped when the browser accepts it, with an ETag
 * and a short public cache lifetime so a new version reaches pages within minutes.
 */
public final class TrackerResource implements HttpRoutes {
  public static final String RESOURCE = "/tracker/tracker.js";

  private final byte[] plain;
  private final byte[] gzipped;
  private final String etag;

  public TrackerResource() {
    this.plain = load();
    this.gzipped = gzip(plain);
    this.etag = "\"" + sha256(plain).substring(0, 16) + "\"";
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/tracker.js", this::serve);
  }

  private void serve(Context ctx) {
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.header("ETag", etag);
    ctx.header("Vary", "Accept-Encoding");
    ctx.header("Access-Control-Allow-Origin", "*");
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType("application/javascript; charset=utf-8");
    String accept = ctx.header("Accept-Encoding");
    if (accept != null && accept.contains("gzip")) {
      ctx.header("Content-Encoding", "gzip");
      ctx.result(gzipped);
    } else {
      ctx.result(plain);
    }
  }

  /** Size of the script as served to browsers that accept gzip. */
  public int gzippedSize() {
    return gzipped.length;
  }

  private static byte[] load() {
    try (InputStream in = TrackerResource.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip =
        new GZIPOutputStream(out) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
          }
        }) {
      zip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
