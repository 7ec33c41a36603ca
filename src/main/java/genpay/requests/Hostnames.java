package genpay.requests;

import genpay.config.Settings;
import genpay.sites.SiteAddress;
import genpay.web.InvalidInput;

/** The hostname a request names, as the site guard reads it; bad input is an {@link InvalidInput} on "hostname". */
final class Hostnames {

  private Hostnames() {
  }

  static boolean allowPrivate(Settings settings) {
    return settings.allowPrivateSites();
  }

  static String parse(String input, boolean allowPrivate) {
    return SiteAddress.parse(input, allowPrivate);
  }
}
