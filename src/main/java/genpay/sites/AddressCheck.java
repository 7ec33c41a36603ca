package genpay.sites;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Whether an address is on the public Internet: the only addresses a site fetch may reach unless
 * ALLOW_PRIVATE_SITES is set. A pure function (no DNS, no connection).
 *
 * <p>Refused: every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries (even the few marked
 * globally reachable: no web site lives on an anycast relay), multicast, the reserved 240/4, and for IPv6
 * anything outside 2000::/3. Addresses that embed an IPv4 address (IPv4-mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they carry.
 */
public final class AddressCheck {

  private static final List<Block> IPV4_REFUSED = blocks(
      "0.0.0.0/8",          // this network
      "10.0.0.0/8",         // private
      "100.64.0.0/10",      // shared address space (carrier-grade NAT)
      "127.0.0.0/8",        // loopback
      "169.254.0.0/16",     // link-local, cloud metadata (169.254.169.254)
      "172.16.0.0/12",      // private
      "192.0.0.0/24",       // IETF protocol assignments (DS-Lite, PCP and TURN anycast, ...)
      "192.0.2.0/24",       // documentation (TEST-NET-1)
      "192.31.196.0/24",    // AS112-v4
      "192.52.193.0/24",    // AMT
      "192.88.99.0/24",     // deprecated 6to4 relay anycast
      "192.168.0.0/16",     // private
      "192.175.48.0/24",    // direct delegation AS112
      "198.18.0.0/15",      // benchmarking
      "198.51.100.0/24",    // documentation (TEST-NET-2)
      "203.0.113.0/24",     // documentation (TEST-NET-3)
      "224.0.0.0/4",        // multicast
      "240.0.0.0/4");       // reserved, and the limited broadcast 255.255.255.255

  private static final List<Block> IPV6_REFUSED = blocks(
      "::/96",              // unspecified, loopback, deprecated IPv4-compatible
      "64:ff9b:1::/48",     // local-use IPv4/IPv6 translation
      "100::/64",           // discard-only
      "100:0:0:1::/64",     // dummy prefix
      "2001::/23",          // IETF protocol assignments (Teredo, ORCHID, benchmarking, ...)
      "2001:db8::/32",      // documentation
      "2620:4f:8000::/48",  // direct delegation AS112
      "3fff::/20",          // documentation
      "5f00::/16",          // segment routing (SRv6) SIDs
      "fc00::/7",           // unique local
      "fe80::/10",          // link-local
      "fec0::/10",          // deprecated site-local
      "ff00::/8");          // multicast

  private static final Block IPV6_GLOBAL_UNICAST = block("2000::/3");
  private static final Block IPV4_MAPPED = block("::ffff:0:0/96");
  private static final Block NAT64 = block("64:ff9b::/96");
  private static final Block SIX_TO_FOUR = block("2002::/16");

  private AddressCheck() {
  }

  public static boolean isPublic(InetAddress address) {
    if (address instanceof Inet4Address) {
      return isPublicV4(address.getAddress());
    }
    if (!(address instanceof Inet6Address)) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (IPV4_MAPPED.contains(bytes) || NAT64.contains(bytes)) {
      return isPublicV4(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      return isPublicV4(new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]});
    }
    if (!IPV6_GLOBAL_UNICAST.contains(bytes)) {
      // Outside 2000::/3 only the blocks above are assigned; the rest is unallocated, never a public site.
      return false;
    }
    return IPV6_REFUSED.stream().noneMatch(block -> block.contains(bytes));
  }

  private static boolean isPublicV4(byte[] bytes) {
    return IPV4_REFUSED.stream().noneMatch(block -> block.contains(bytes));
  }

  private static List<Block> blocks(String... cidrs) {
    return java.util.Arrays.stream(cidrs).map(AddressCheck::block).toList();
  }

  private static Block block(String cidr) {
    int slash = cidr.indexOf('/');
    try {
      // Literals only: getByName never looks a literal up in DNS. getByAddress keeps ::ffff:0:0 as IPv6.
      byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
      if (cidr.startsWith("::ffff")) {
        prefix = new byte[16];
        prefix[10] = (byte) 0xff;
        prefix[11] = (byte) 0xff;
      }
      return new Block(prefix, Integer.parseInt(cidr.substring(slash + 1)));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("bad block " + cidr, e);
    }
  }

  /** A CIDR block: the first {@code bits} bits of {@code prefix}. */
  private record Block(byte[] prefix, int bits) {

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (prefix[full] & mask);
    }
  }
}
