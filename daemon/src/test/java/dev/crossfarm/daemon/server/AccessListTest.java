package dev.crossfarm.daemon.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessListTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void matchesIpv4NetworksByPrefix() throws Exception {
    AccessList list = AccessList.parse(List.of("192.168.1.0/24", "10.1.2.3"));
    assertTrue(list.permits(ip("192.168.1.77")));
    assertFalse(list.permits(ip("192.168.2.1")));
    assertTrue(list.permits(ip("10.1.2.3")));
    assertFalse(list.permits(ip("10.1.2.4")));
  }

  @Test
  void matchesPrefixesThatAreNotByteAligned() throws Exception {
    AccessList list = AccessList.parse(List.of("172.16.0.0/12"));
    assertTrue(list.permits(ip("172.31.255.255")));
    assertFalse(list.permits(ip("172.32.0.1")));
  }

  @Test
  void ipv4RulesMatchV4MappedIpv6Clients() throws Exception {
    AccessList list = AccessList.parse(List.of("127.0.0.0/8"));
    assertTrue(list.permits(ip("::ffff:127.0.0.1")));
  }

  @Test
  void matchesIpv6Networks() throws Exception {
    AccessList list = AccessList.parse(List.of("fd00::/8", "::1"));
    assertTrue(list.permits(ip("fd12:3456::1")));
    assertTrue(list.permits(ip("::1")));
    assertFalse(list.permits(ip("fe80::1")));
    assertFalse(list.permits(ip("127.0.0.1")));
  }

  @Test
  void loopbackDefaultRefusesEverythingElse() throws Exception {
    AccessList list = AccessList.parse(AccessList.LOOPBACK);
    assertTrue(list.permits(ip("127.0.0.2")));
    assertFalse(list.permits(ip("10.0.0.1")));
  }

  @Test
  void privateNetworksAreStockDistccdsList() throws Exception {
    AccessList list = AccessList.parse(AccessList.PRIVATE);
    assertTrue(list.permits(ip("10.9.9.9")));
    assertTrue(list.permits(ip("fc00::5")));
    assertFalse(list.permits(ip("8.8.8.8")));
  }

  @Test
  void refusesHostNamesAndBadPrefixesWithTheOffendingText() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AccessList.parse(List.of("example.org")));
    assertTrue(e.getMessage().contains("example.org"));
    assertThrows(IllegalArgumentException.class, () -> AccessList.parse(List.of("10.0.0.0/33")));
    assertThrows(IllegalArgumentException.class, () -> AccessList.parse(List.of("10.0.0.0/x")));
    assertThrows(IllegalArgumentException.class, () -> AccessList.parse(List.of("")));
  }
}
