package genpay.accounts;

import java.net.URI;
import java.util.Locale;

/**
 * The origin of APP_URL ({@code scheme://host[:port]}, default ports left out as browsers send them), and the
 * test that a cookie-authenticated request that changes something was sent by the app's own pages.
 */
public final class AppOrigin {

  private final String origin;
  private final boolean https;

  public AppOrigin(String appUrl) {
    URI uri = URI.create(appUrl);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
    this.origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    this.https = "https".equals(scheme);
  }

  public String origin() {
    return origin;
  }

  /** Cookies get {@code Secure} when the app is served over https. */
  public boolean https() {
    return https;
  }

  /** Only GET, HEAD and OPTIONS leave state alone. */
  public static boolean changesState(String method) {
    return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
  }

  /**
   * {@code Origin} equal to the app's, or {@code Sec-Fetch-Site: same-origin}. A request with neither is refused:
   * browsers send Origin on every cross-origin request and on same-origin POST, PUT, PATCH and DELETE.
   */
  public boolean sentByApp(String originHeader, String secFetchSite) {
    if ("same-origin".equals(secFetchSite)) {
      return true;
    }
    return originHeader != null && origin.equals(originHeader.toLowerCase(Locale.ROOT));
  }
}
