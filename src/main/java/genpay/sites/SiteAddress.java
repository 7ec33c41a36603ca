package genpay.sites;

import genpay.config.IpLiteral;
import genpay.web.InvalidInput;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hostname a client names a site by: a DNS name only (no IP literal, port, credentials or path), lower-cased,
 * in its ASCII (punycode) form, without a trailing dot. A pasted {@code https://name/} is taken as {@code name}.
 * With ALLOW_PRIVATE_SITES, {@code localhost:PORT} is admitted too, for sites that tests serve on loopback.
 */
public final class SiteAddress {

  public static final String FIELD = "hostname";
  private static final Pattern SCHEME = Pattern.compile("^(?i)https?://");
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
  /** A top-level domain is letters (or punycode); a numeric one is how 2130706433 or 127.1 spell an address. */
  private static final Pattern TOP_LABEL = Pattern.compile("^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$");
  private static final Pattern LOCAL_PORT = Pattern.compile("^localhost:([0-9]{1,5})$");

  private SiteAddress() {
  }

  /** The hostname, or {@link InvalidInput} on field {@code hostname} saying what is wrong. */
  public static String parse(String input, boolean allowPrivate) {
    if (input == null || input.isBlank()) {
      throw invalid("hostname is required");
    }
    String text = input.strip();
    if (text.length() > 300) {
      throw invalid("hostname is too long");
    }
    text = SCHEME.matcher(text).replaceFirst("");
    int end = firstOf(text, "/?#");
    if (end >= 0) {
      if (!text.substring(end).equals("/")) {
        throw invalid("hostname must be a name like example.com, without a path");
      }
      text = text.substring(0, end);
    }
    if (text.contains("@")) {
      throw invalid("hostname must not carry credentials (user@...)");
    }
    if (text.startsWith("[") || IpLiteral.parse(text) != null) {
      throw invalid("hostname must be a DNS name, not an IP address");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains(":")) {
      var local = LOCAL_PORT.matcher(lower);
      if (allowPrivate && local.matches()) {
        int port = Integer.parseInt(local.group(1));
        if (port >= 1 && port <= 65535) {
          return "localhost:" + port;
        }
      }
      throw invalid("hostname must not carry a port");
    }
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    String ascii;
    try {
      ascii = IDN.toASCII(lower, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw invalid("hostname is not a valid DNS name");
    }
    if (ascii.equals("localhost")) {
      // A name like any other: it resolves to loopback, which the address check refuses unless allowed.
      return ascii;
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      throw invalid("hostname is not a valid DNS name");
    }
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2) {
      throw invalid("hostname must be a full name like example.com");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid("hostname is not a valid DNS name");
      }
    }
    if (!TOP_LABEL.matcher(labels[labels.length - 1]).matches()) {
      throw invalid("hostname must be a DNS name, not an IP address");
    }
    return ascii;
  }

  /** Where a site's files are fetched from: https for a DNS name, http for a loopback test site. */
  public static String baseUrl(String hostname) {
    return (hostname.equals("localhost") || hostname.startsWith("localhost:") ? "http://" : "https://") + hostname;
  }

  private static int firstOf(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static InvalidInput invalid(String detail) {
    return new InvalidInput(FIELD, detail);
  }
}
