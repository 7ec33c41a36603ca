package genpay.sites;

import genpay.web.InvalidInput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SiteAddressTest {

  @Test
  void aDnsNameIsLowerCasedWithoutItsTrailingDot() {
    assertEquals("example.com", SiteAddress.parse("Example.COM.", false));
    assertEquals("www.example.co.uk", SiteAddress.parse("  www.example.co.uk ", false));
    assertEquals("example.com", SiteAddress.parse("https://example.com/", false));
    assertEquals("example.com", SiteAddress.parse("HTTP://example.com", false));
  }

  @Test
  void anInternationalNameBecomesItsAsciiForm() {
    assertEquals("xn--bcher-kva.de", SiteAddress.parse("Bücher.de", false));
    assertEquals("xn--e1afmkfd.xn--p1ai", SiteAddress.parse("пример.рф", false));
  }

  @Test
  void ipLiteralsPortsCredentialsAndPathsAreRefused() {
    for (String input : new String[] {"127.0.0.1", "10.0.0.1", "[::1]", "::1", "http://[::1]/", "169.254.169.254",
        "2130706433", "0x7f000001", "127.1", "0177.0.0.1", "example.com:8080", "example.com:443",
        "user@example.com", "user:secret@example.com", "https://user@example.com/", "example.com/path",
        "example.com?x=1", "exa mple.com", "-bad.example.com", "bad-.example.com", "", "   ", "com",
        "intranet", "a..b.com", "x".repeat(64) + ".com", "localhost:8080", "ftp://example.com"}) {
      assertThrows(InvalidInput.class, () -> SiteAddress.parse(input, false), input);
    }
    assertThrows(InvalidInput.class, () -> SiteAddress.parse(null, false));
  }

  @Test
  void localhostWithAPortOnlyWhenPrivateSitesAreAllowed() {
    assertEquals("localhost:8080", SiteAddress.parse("LOCALHOST:8080", true));
    assertEquals("http://localhost:8080", SiteAddress.baseUrl("localhost:8080"));
    assertThrows(InvalidInput.class, () -> SiteAddress.parse("localhost:8080", false));
    assertThrows(InvalidInput.class, () -> SiteAddress.parse("localhost:0", true));
    assertThrows(InvalidInput.class, () -> SiteAddress.parse("localhost:99999", true));
    // Still no IP literals or other ports: only the loopback name tests use.
    assertThrows(InvalidInput.class, () -> SiteAddress.parse("127.0.0.1:8080", true));
    assertThrows(InvalidInput.class, () -> SiteAddress.parse("example.com:8080", true));
    assertEquals("https://example.com", SiteAddress.baseUrl("example.com"));
  }
}
