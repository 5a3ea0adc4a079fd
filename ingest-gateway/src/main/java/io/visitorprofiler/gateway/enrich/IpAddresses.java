package io.visitorprofiler.gateway.enrich;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The visitor's address: parsed without DNS, and truncated before it goes anywhere (IPv4 to its
 * /24, IPv6 to its /48), so no stored event holds a full address. The full address lives only in
 * memory for the geography lookup of the request.
 */
public final class IpAddresses {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private IpAddresses() {}

  /** Parses an IP literal (never a host name, so no DNS lookup); empty when it is not one. */
  public static Optional<InetAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String literal = text.trim();
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    // Only literals: InetAddress would resolve anything else through DNS.
    if (literal.length() > 45
        || !(IPV4.matcher(literal).matches() || IPV6.matcher(literal).matches())) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * The client of a request: the last address of {@code X-Forwarded-For} (the one the trusted proxy
   * or load balancer in front of the gateway appended) when configured, else the socket's peer.
   */
  public static Optional<InetAddress> client(
      String remoteAddress, String forwardedFor, boolean trustForwarded) {
    if (trustForwarded && forwardedFor != null && !forwardedFor.isBlank()) {
      // The proxy appends the address it saw: the last entry is the one we can trust.
      String[] hops = forwardedFor.split(",");
      Optional<InetAddress> forwarded = parse(hops[hops.length - 1]);
      if (forwarded.isPresent()) {
        return forwarded;
      }
    }
    return parse(remoteAddress);
  }

  /**
   * {@code 203.0.113.77} becomes {@code 203.0.113.0}; {@code 2001:db8:1:2::5} becomes {@code
   * 2001:db8:1::}.
   */
  public static String truncate(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0";
    }
    int groups = 3;
    while (groups > 0 && bytes[2 * groups - 2] == 0 && bytes[2 * groups - 1] == 0) {
      groups--;
    }
    StringBuilder text = new StringBuilder();
    for (int g = 0; g < groups; g++) {
      text.append(Integer.toHexString(((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff)));
      text.append(':');
    }
    return groups == 0 ? "::" : text.append(':').toString();
  }
}
