package genpay.web;

import genpay.config.IpLiteral;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a request comes from, for rate limits and logs: the socket's peer, unless the peer is a trusted proxy;
 * then X-Forwarded-For read from the right, skipping trusted proxies, up to the first address that is not one.
 * Hops left of that were written by the client and prove nothing.
 */
public final class ClientIp {

  private final Set<InetAddress> trusted;

  public ClientIp(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(IpLiteral::parse).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * {@code peer} is the socket's remote address; {@code forwardedFor} every X-Forwarded-For header value in the
   * order received. Answers the address in one canonical spelling, so that one client is one key.
   */
  public String resolve(String peer, List<String> forwardedFor) {
    InetAddress current = IpLiteral.parse(peer);
    if (current == null) {
      return peer == null ? "unknown" : peer;
    }
    if (trusted.contains(current)) {
      List<String> hops = hops(forwardedFor);
      for (int i = hops.size() - 1; i >= 0 && trusted.contains(current); i--) {
        InetAddress hop = IpLiteral.parse(hops.get(i));
        if (hop == null) {
          // Not something a proxy writes: keep the last address we can vouch for.
          break;
        }
        current = hop;
      }
    }
    return current.getHostAddress();
  }

  private static List<String> hops(List<String> headers) {
    List<String> hops = new ArrayList<>();
    for (String header : headers) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    return hops;
  }
}
