package genpay.sites;

import java.net.InetAddress;

/** Whether a fetch may connect to an address a host resolved to. */
@FunctionalInterface
public interface AddressPolicy {

  boolean admits(String host, InetAddress address);

  /** Public addresses only ({@link AddressCheck}), or anything when ALLOW_PRIVATE_SITES is set. */
  static AddressPolicy of(boolean allowPrivate) {
    return allowPrivate ? (host, address) -> true : (host, address) -> AddressCheck.isPublic(address);
  }
}
