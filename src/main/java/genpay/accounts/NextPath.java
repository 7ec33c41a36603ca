package genpay.accounts;

import java.util.regex.Pattern;

/**
 * Where a sign-in lands: a path on this site only. Browsers read "//host" and "/\host" as another host, and
 * some strip tabs and newlines before they do, so anything but a plain "/..." path goes to the account page.
 */
public final class NextPath {

  public static final int MAX_LENGTH = 2_000;
  private static final Pattern LOCALE_PREFIX = Pattern.compile("^/([a-z]{2}(-[A-Z]{2})?)(/|$|\\?)");

  private NextPath() {
  }

  /** {@code next} when it is a same-origin path, else {@code /{locale}/account}. */
  public static String safe(String next, String locale) {
    return isSafe(next) ? next : defaultPath(locale);
  }

  public static String defaultPath(String locale) {
    return "/" + (locale == null ? "en" : locale) + "/account";
  }

  static boolean isSafe(String next) {
    if (next == null || next.isEmpty() || next.length() > MAX_LENGTH || next.charAt(0) != '/') {
      return false;
    }
    if (next.length() > 1 && (next.charAt(1) == '/' || next.charAt(1) == '\\')) {
      return false;
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      if (c <= 0x20 || c == 0x7f || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The locale a path starts with ("/de/tool/x" → "de"), or null. */
  static String localeOf(String path) {
    if (!isSafe(path)) {
      return null;
    }
    var matcher = LOCALE_PREFIX.matcher(path);
    return matcher.find() ? matcher.group(1) : null;
  }
}
