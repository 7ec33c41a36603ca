package genpay.config;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP addresses written as literals, parsed without DNS (InetAddress.getByName would look a name up). */
public final class IpLiteral {

  private IpLiteral() {
  }

  /** The address {@code text} spells (IPv4 dotted quad or IPv6, brackets allowed), or null when it is not one. */
  public static InetAddress parse(String text) {
    if (text == null) {
      return null;
    }
    String literal = text.trim();
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    InetAddress parsed = literal.isEmpty() ? null : NetUtil.createInetAddressFromIpAddressString(literal);
    if (parsed == null) {
      return null;
    }
    try {
      // getByAddress with raw bytes never resolves; it also turns ::ffff:a.b.c.d into a.b.c.d, as peers are seen.
      return InetAddress.getByAddress(parsed.getAddress());
    } catch (UnknownHostException impossible) {
      return null;
    }
  }
}
