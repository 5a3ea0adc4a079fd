package io.visitorprofiler.gateway.enrich;

import io.visitorprofiler.schemas.Device;

/**
 * What the edge learns once per request and applies to each of its events.
 *
 * @param receivedAt server receive time, epoch ms
 * @param ipTruncated the client's address truncated (/24, /48), or null
 * @param userAgent the User-Agent header, capped
 * @param device device, OS, browser and the bot flag from the user agent
 * @param location geography from CDN headers or the IP database
 * @param doNotTrack the browser sent {@code DNT: 1}
 * @param globalPrivacyControl the browser sent {@code Sec-GPC: 1}
 * @param clientKey the full client address as text, for rate limiting in memory only; never
 *     published or logged
 */
public record RequestFacts(
    long receivedAt,
    String ipTruncated,
    String userAgent,
    Device device,
    Location location,
    boolean doNotTrack,
    boolean globalPrivacyControl,
    String clientKey) {
  @Override
  public String toString() {
    return "RequestFacts[receivedAt=" + receivedAt + ", ipTruncated=" + ipTruncated + "]";
  }
}
