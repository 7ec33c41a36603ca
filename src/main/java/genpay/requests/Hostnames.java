package genpay.requests;

import genpay.web.InvalidInput;

import java.util.Locale;
import java.util.regex.Pattern;

/** The hostname a request names, as the site guard reads it; bad input is an {@link InvalidInput} on "hostname". */
final class Hostnames {

  private static final Pattern LABELS = Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
  private static final Pattern LOCAL_PORT = Pattern.compile("^localhost:[0-9]{1,5}$");

  private Hostnames() {
  }

  /** ALLOW_PRIVATE_SITES (genpay.sites owns the setting). */
  static boolean allowPrivate(genpay.config.Settings settings) {
    return false;
  }

  static String parse(String input, boolean allowPrivate) {
    if (input == null || input.isBlank()) {
      throw new InvalidInput("hostname", "A hostname is required, such as example.com.");
    }
    String host = input.trim().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (allowPrivate && LOCAL_PORT.matcher(host).matches()) {
      return host;
    }
    if (!LABELS.matcher(host).matches() || host.matches("^[0-9.]+$")) {
      throw new InvalidInput("hostname", "A hostname is a DNS name such as example.com: no IP address, port, "
          + "path or credentials.");
    }
    return host;
  }
}
