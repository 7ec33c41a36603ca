package genpay.stripe;

/**
 * Stripe's test cards as the sandbox plays them: what a number does when typed (on session) and when charged
 * later (off session, renewals and retries).
 */
final class SandboxCards {

  static final String PAYS = "4242424242424242";
  static final String DECLINED = "4000000000000002";
  static final String INSUFFICIENT_FUNDS = "4000000000009995";
  static final String THREE_D_SECURE = "4000002500003155";
  static final String FAILS_LATER = "4000000000000341";
  static final String AUTHENTICATION_FAILED = "We are unable to authenticate your payment method.";

  enum Kind { PAY, DECLINE, AUTHENTICATE }

  /** What typing a number does: pay, decline (with Stripe's codes and message) or ask for 3-D Secure. */
  record Entry(Kind kind, String code, String declineCode, String message) {

    static Entry pay() {
      return new Entry(Kind.PAY, null, null, null);
    }
  }

  private SandboxCards() {
  }

  static String normalise(String number) {
    return number == null ? "" : number.replaceAll("[\\s-]", "");
  }

  static Entry enter(String number) {
    return switch (normalise(number)) {
      case PAYS, FAILS_LATER -> Entry.pay();
      case DECLINED -> new Entry(Kind.DECLINE, "card_declined", "generic_decline", "Your card was declined.");
      case INSUFFICIENT_FUNDS -> new Entry(Kind.DECLINE, "card_declined", "insufficient_funds",
          "Your card has insufficient funds.");
      case THREE_D_SECURE -> new Entry(Kind.AUTHENTICATE, null, null, null);
      default -> new Entry(Kind.DECLINE, "incorrect_number", null, "Your card number is incorrect.");
    };
  }

  /** Whether a later charge of a saved card succeeds: 0341 attaches fine and fails every later charge. */
  static boolean chargesLater(String number) {
    return !FAILS_LATER.equals(normalise(number));
  }

  static String last4(String number) {
    String digits = normalise(number);
    return digits.length() >= 4 ? digits.substring(digits.length() - 4) : digits;
  }

  /** Every Stripe test card the sandbox knows is a Visa. */
  static String brand(String number) {
    return "visa";
  }
}
