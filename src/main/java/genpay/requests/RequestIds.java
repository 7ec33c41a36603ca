package genpay.requests;

import genpay.web.InvalidInput;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Request ids: {@code greq_} and 24 base62 characters (about 143 random bits), checked before Redis is asked. */
public final class RequestIds {

  private static final Pattern ID = Pattern.compile("^greq_[A-Za-z0-9]{24}$");
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {
  }

  public static String next() {
    StringBuilder id = new StringBuilder("greq_");
    for (int i = 0; i < 24; i++) {
      id.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return id.toString();
  }

  public static boolean valid(String candidate) {
    return candidate != null && ID.matcher(candidate).matches();
  }

  public static String require(String candidate) {
    if (!valid(candidate)) {
      throw new InvalidInput("id", "A generation request id looks like greq_ and 24 letters and digits.");
    }
    return candidate;
  }
}
