package dev.crossfarm.daemon.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which client addresses may use the volunteer: IPv4 and IPv6 networks in CIDR form, as stock
 * distccd's {@code --allow}. An IPv4 rule also matches the same address seen as v4-mapped IPv6
 * ({@code ::ffff:10.0.0.5}), since a dual-stack socket reports clients that way.
 */
public record AccessList(List<Network> networks) {

  /** What {@code --allow-private} adds, as stock distccd defines it. */
  public static final List<String> PRIVATE =
      List.of(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "127.0.0.0/8",
          "fe80::/10",
          "fc00::/7",
          "::1/128");

  /** With no --allow: this machine only. */
  public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

  public AccessList {
    networks = List.copyOf(networks);
  }

  public static AccessList parse(List<String> specs) {
    return new AccessList(specs.stream().map(Network::parse).toList());
  }

  public boolean permits(InetAddress client) {
    InetAddress address = unmapped(client);
    return networks.stream().anyMatch(n -> n.contains(address));
  }

  @Override
  public String toString() {
    return networks.stream().map(Network::toString).collect(Collectors.joining(" "));
  }

  /** {@code ::ffff:a.b.c.d} -> {@code a.b.c.d}; other addresses unchanged. */
  static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
    return address;
  }

  /** One network: an address and how many leading bits must match. */
  public record Network(byte[] address, int bits, String text) {

    /**
     * Parses {@code 10.0.0.0/8}, {@code 192.168.1.5} (one host), {@code fd00::/8}, {@code ::1}.
     *
     * @throws IllegalArgumentException with the offending text when it is not such a network
     */
    public static Network parse(String spec) {
      String s = spec.trim();
      int slash = s.indexOf('/');
      String host = slash < 0 ? s : s.substring(0, slash);
      if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException(
            "'" + spec + "' is not an IP address or network (use e.g. 192.168.1.0/24 or fd00::/8)");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host); // literal only: the pattern excludes host names
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + spec + "' is not an IP address", e);
      }
      int max = address instanceof Inet4Address ? 32 : 128;
      int bits = max;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > max) {
          throw new IllegalArgumentException(
              "'" + spec + "': the prefix length must be 0 to " + max);
        }
      }
      return new Network(address.getAddress(), bits, s);
    }

    public boolean contains(InetAddress candidate) {
      byte[] c = candidate.getAddress();
      if (c.length != address.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (c[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (c[full] & mask) == (address[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Network n && n.text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }
}
