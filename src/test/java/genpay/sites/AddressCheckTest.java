package genpay.sites;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The address check as a plain function: literals only, never a lookup or a connection. */
class AddressCheckTest {

  @Test
  void refusesPrivateLoopbackLinkLocalMetadataAndReservedIpv4() throws Exception {
    for (String address : new String[] {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "127.0.0.1", "127.255.255.254", "0.0.0.0", "100.64.0.1", "100.127.255.255",
        "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.9", "192.0.2.1", "198.18.0.1",
        "198.51.100.7", "203.0.113.9", "192.88.99.1"}) {
      assertFalse(AddressCheck.isPublic(literal(address)), address);
    }
  }

  @Test
  void refusesSpecialIpv6AndIpv4EmbeddedInIpv6() throws Exception {
    for (String address : new String[] {"fc00::1", "fd12:3456::1", "fe80::1", "::1", "::", "ff02::1", "fec0::1",
        "2001:db8::1", "2001::1", "100::1", "64:ff9b::10.0.0.1", "64:ff9b::7f00:1", "64:ff9b:1::1",
        "2002:a00:1::", "2002:a9fe:a9fe::1", "::10.0.0.1", "3fff::1", "5f00::1", "4000::1"}) {
      assertFalse(AddressCheck.isPublic(literal(address)), address);
    }
  }

  @Test
  void judgesAnIpv4MappedAddressByItsIpv4Address() throws Exception {
    // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; an Inet6Address can still carry one.
    Inet6Address mappedPrivate = mapped(10, 0, 0, 1);
    assertInstanceOf(Inet6Address.class, mappedPrivate);
    assertFalse(AddressCheck.isPublic(mappedPrivate));
    assertFalse(AddressCheck.isPublic(mapped(127, 0, 0, 1)));
    assertFalse(AddressCheck.isPublic(mapped(169, 254, 169, 254)));
    assertFalse(AddressCheck.isPublic(literal("::ffff:10.0.0.1")));
    assertTrue(AddressCheck.isPublic(mapped(8, 8, 8, 8)));
  }

  @Test
  void admitsPublicAddresses() throws Exception {
    for (String address : new String[] {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1",
        "192.169.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e",
        "64:ff9b::808:808", "2002:808:808::1"}) {
      assertTrue(AddressCheck.isPublic(literal(address)), address);
    }
  }

  private static InetAddress literal(String address) throws Exception {
    // A literal is parsed, never looked up.
    return InetAddress.getByName(address);
  }

  private static Inet6Address mapped(int a, int b, int c, int d) throws Exception {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return Inet6Address.getByAddress(null, bytes, -1);
  }
}
