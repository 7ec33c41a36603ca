package genpay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where e-mail goes: {@code MAIL_URL} as {@code smtp[s]://[user[:password]@]host[:port]}. {@code smtps} is TLS from
 * the first byte (default port 465); {@code smtp} upgrades with STARTTLS where the server offers it (default 587,
 * the submission port). User and password are URL-encoded (an address as user name is {@code me%40example.com}).
 */
public record MailUrl(boolean implicitTls, String host, int port, String username, String password) {

  private static final String SETTING = "MAIL_URL";
  private static final String SHAPE = "must look like smtp://user:password@host:port or smtps://... "
      + "(user and password URL-encoded)";

  /** Never echoes the value in an error: it may hold a password. */
  public static MailUrl parse(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(SETTING, SHAPE);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
      throw new ConfigException(SETTING, "must start with smtp:// or smtps://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(SETTING, SHAPE + "; the host is missing or not a valid host name");
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(SETTING, SHAPE + "; nothing may follow the port");
    }
    boolean implicitTls = scheme.equals("smtps");
    int port = uri.getPort() == -1 ? (implicitTls ? 465 : 587) : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new ConfigException(SETTING, "has a port outside 1 to 65535");
    }
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
      if (username.isEmpty()) {
        throw new ConfigException(SETTING, SHAPE + "; the user name is empty");
      }
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new MailUrl(implicitTls, host, port, username, password);
  }

  /** Percent-decoding as in a URL's user info: a '+' stays a '+'. */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(SETTING, SHAPE + "; a %-escape in the user or password is broken");
    }
  }

  public boolean authenticates() {
    return username != null;
  }

  /** Safe to log: the password never appears. */
  @Override
  public String toString() {
    return (implicitTls ? "smtps://" : "smtp://") + (username == null ? "" : username + (password == null ? "" : ":***")
        + "@") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
