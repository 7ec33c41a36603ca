package genpay.web;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/** The id formats of DESIGN.md section 4, checked before anything touches Redis. */
public final class SessionIds {

  private static final Pattern SESSION_ID = Pattern.compile("^cs_(test|live)_[A-Za-z0-9]{1,200}$");
  /** An order paid with credits (DESIGN.md section 5). */
  private static final Pattern CREDIT_ORDER_ID = Pattern.compile("^ord_[A-Za-z0-9]{24}$");
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private SessionIds() {
  }

  /** An order id of either kind: a Checkout Session id (card) or {@code ord_…} (credits). */
  public static String requireSessionId(String candidate) {
    if (candidate == null
        || !SESSION_ID.matcher(candidate).matches() && !CREDIT_ORDER_ID.matcher(candidate).matches()) {
      throw new InvalidInput("sessionId", "An order id looks like cs_test_..., cs_live_... or ord_ and 24 letters"
          + " and digits.");
    }
    return candidate;
  }

  /** True for an order paid with credits: Stripe knows nothing of it. */
  public static boolean isCreditOrder(String orderId) {
    return orderId != null && orderId.startsWith("ord_");
  }

  /** A fresh credit order id: {@code ord_} and 24 base62 characters (about 143 random bits). */
  public static String newCreditOrderId() {
    StringBuilder id = new StringBuilder("ord_");
    for (int i = 0; i < 24; i++) {
      id.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return id.toString();
  }

  public static String requireFileId(String candidate) {
    if (candidate == null || !UUID_TEXT.matcher(candidate).matches()) {
      throw new InvalidInput("fileId", "A file id is a UUID.");
    }
    return UUID.fromString(candidate).toString();
  }
}
