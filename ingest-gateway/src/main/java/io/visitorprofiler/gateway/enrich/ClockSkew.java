package io.visitorprofiler.gateway.enrich;

/**
 * Client clocks are wrong by seconds to hours. The tracker stamps each event with its own clock and
 * the batch with its clock at send time ({@code sentAt}); the difference between the server's
 * receive time and {@code sentAt} is the client's skew (plus the network delay, which is small),
 * and is added to every event time of the batch. Event times never lie after the receive time.
 */
public final class ClockSkew {
  private ClockSkew() {}

  /** Milliseconds to add to the client's times: {@code receivedAt - sentAt}, or 0 without one. */
  public static long skew(long receivedAt, Long sentAt) {
    return sentAt == null ? 0 : receivedAt - sentAt;
  }

  /** The corrected event time: client time plus skew, at most the receive time. */
  public static long eventTime(long receivedAt, Long clientTime, long skew) {
    if (clientTime == null) {
      return receivedAt;
    }
    return Math.min(receivedAt, clientTime + skew);
  }
}
