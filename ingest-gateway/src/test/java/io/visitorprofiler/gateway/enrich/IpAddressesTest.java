package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Parsing client addresses without DNS, and truncating them before they are stored. */
class IpAddressesTest {
  @Test
  void anIpv4AddressIsTruncatedToItsSlash24() {
    assertThat(truncate("203.0.113.77")).isEqualTo("203.0.113.0");
    assertThat(truncate("10.1.2.255")).isEqualTo("10.1.2.0");
  }

  @Test
  void anIpv6AddressIsTruncatedToItsSlash48() {
    assertThat(truncate("2001:db8:1:2::5")).isEqualTo("2001:db8:1::");
    assertThat(truncate("2001:0db8:abcd:ffff:1:2:3:4")).isEqualTo("2001:db8:abcd::");
  }

  @Test
  void trailingZeroGroupsOfTheSlash48AreCompressed() {
    assertThat(truncate("2001:db8::5")).isEqualTo("2001:db8::");
    assertThat(truncate("2001:0:1::9")).isEqualTo("2001:0:1::");
  }

  @Test
  void anAllZeroSlash48IsTheUnspecifiedAddress() {
    assertThat(truncate("::1")).isEqualTo("::");
    assertThat(truncate("::")).isEqualTo("::");
  }

  @Test
  void anIpv4MappedIpv6AddressIsTruncatedAsIpv4() {
    assertThat(truncate("::ffff:203.0.113.77")).isEqualTo("203.0.113.0");
  }

  @Test
  void literalsAreParsed() {
    assertThat(IpAddresses.parse("203.0.113.77")).get().isInstanceOf(Inet4Address.class);
    assertThat(IpAddresses.parse(" 2001:db8::1 ")).get().isInstanceOf(Inet6Address.class);
    assertThat(IpAddresses.parse("[2001:db8::1]")).get().isInstanceOf(Inet6Address.class);
  }

  @Test
  void hostNamesAreNeverResolved() {
    assertThat(IpAddresses.parse("example.com")).isEmpty();
    assertThat(IpAddresses.parse("localhost")).isEmpty();
    assertThat(IpAddresses.parse("unknown")).isEmpty();
  }

  @Test
  void nonsenseIsNotAnAddress() {
    assertThat(IpAddresses.parse(null)).isEmpty();
    assertThat(IpAddresses.parse("")).isEmpty();
    assertThat(IpAddresses.parse("12")).isEmpty();
    assertThat(IpAddresses.parse("203.0.113.77:8080")).isEmpty();
    assertThat(IpAddresses.parse("2001:db8::zz")).isEmpty();
  }

  @Test
  void theForwardedForAddressIsUsedWhenTrusted() {
    // The client may send its own X-Forwarded-For; the proxy appends the address it saw.
    assertThat(IpAddresses.client("10.0.0.5", "203.0.113.9, 198.51.100.23", true))
        .get()
        .extracting(InetAddress::getHostAddress)
        .isEqualTo("198.51.100.23");
  }

  @Test
  void theForwardedForAddressIsIgnoredWhenNotTrusted() {
    assertThat(IpAddresses.client("10.0.0.5", "198.51.100.23", false))
        .get()
        .extracting(InetAddress::getHostAddress)
        .isEqualTo("10.0.0.5");
  }

  @Test
  void anUnparsableForwardedForFallsBackToThePeer() {
    assertThat(IpAddresses.client("10.0.0.5", "10.0.0.7, unknown", true))
        .get()
        .extracting(InetAddress::getHostAddress)
        .isEqualTo("10.0.0.5");
    assertThat(IpAddresses.client("10.0.0.5", " ", true))
        .get()
        .extracting(InetAddress::getHostAddress)
        .isEqualTo("10.0.0.5");
  }

  @Test
  void noUsableAddressIsEmpty() {
    assertThat(IpAddresses.client(null, null, true)).isEmpty();
    assertThat(IpAddresses.client("example.com", null, false)).isEmpty();
  }

  private static String truncate(String literal) {
    return IpAddresses.truncate(IpAddresses.parse(literal).orElseThrow());
  }
}
