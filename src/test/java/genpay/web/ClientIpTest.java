package genpay.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientIpTest {

  private static final ClientIp NO_PROXY = new ClientIp(List.of());
  private static final ClientIp BEHIND_PROXIES = new ClientIp(List.of("10.0.0.1", "10.0.0.2", "::1"));

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
    assertEquals("203.0.113.9", NO_PROXY.resolve("203.0.113.9", List.of("198.51.100.1")));
    assertEquals("127.0.0.1", NO_PROXY.resolve("127.0.0.1", List.of()));
  }

  @Test
  void anUntrustedPeerCannotChooseItsAddress() {
    assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("203.0.113.9", List.of("198.51.100.1, 10.0.0.1")));
  }

  @Test
  void behindATrustedProxyTheLastHopNotTrustedIsTheClient() {
    assertEquals("198.51.100.7", BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.7")));
    // The client wrote "1.2.3.4" itself; the proxies appended what they saw.
    assertEquals("198.51.100.7", BEHIND_PROXIES.resolve("10.0.0.1", List.of("1.2.3.4, 198.51.100.7, 10.0.0.2")));
    // Several headers are one list, in order.
    assertEquals("198.51.100.7", BEHIND_PROXIES.resolve("10.0.0.1", List.of("1.2.3.4", "198.51.100.7", "10.0.0.2")));
  }

  @Test
  void aTrustedPeerWithoutHeaderOrWithGarbageStopsAtWhatItCanVouchFor() {
    assertEquals("10.0.0.1", BEHIND_PROXIES.resolve("10.0.0.1", List.of()));
    assertEquals("10.0.0.2", BEHIND_PROXIES.resolve("10.0.0.1", List.of("198.51.100.7, unknown, 10.0.0.2")));
    // Only trusted hops: the leftmost one.
    assertEquals("10.0.0.2", BEHIND_PROXIES.resolve("10.0.0.1", List.of("10.0.0.2")));
  }

  @Test
  void oneClientIsOneKeyHoweverItsAddressIsSpelt() {
    assertEquals("0:0:0:0:0:0:0:1", NO_PROXY.resolve("::1", List.of()));
    assertEquals("2001:db8:0:0:0:0:0:5", BEHIND_PROXIES.resolve("0:0:0:0:0:0:0:1", List.of("[2001:DB8::5]")));
    assertEquals("127.0.0.1", NO_PROXY.resolve("::ffff:127.0.0.1", List.of()));
  }
}
