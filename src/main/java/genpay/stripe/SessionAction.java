package genpay.stripe;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/** What Stripe's word about a Checkout Session means for the order. */
public enum SessionAction {
  PAID("paid"), EXPIRED("expired"), PAYMENT_FAILED("payment_failed"), NONE(null);

  private static final Set<String> SETTLED = Set.of("paid", "no_payment_required");

  /** The name the session store's apply command takes. */
  public final String command;

  SessionAction(String command) {
    this.command = command;
  }

  /** From the Checkout Session object alone, as a reconciliation retrieves it. */
  public static SessionAction fromSession(JsonObject session) {
    String status = session.getString("status", "");
    if ("complete".equals(status) && SETTLED.contains(session.getString("payment_status", ""))) {
      return PAID;
    }
    return "expired".equals(status) ? EXPIRED : NONE;
  }

  /** From a webhook: the event type says what the object alone cannot (an async payment that failed). */
  public static SessionAction fromEvent(String type, JsonObject session) {
    return switch (type) {
      case "checkout.session.completed" -> fromSession(session) == PAID ? PAID : NONE;
      case "checkout.session.async_payment_succeeded" -> PAID;
      case "checkout.session.async_payment_failed" -> PAYMENT_FAILED;
      case "checkout.session.expired" -> EXPIRED;
      default -> NONE;
    };
  }

  public static boolean handled(String type) {
    return type.equals("checkout.session.completed") || type.equals("checkout.session.async_payment_succeeded")
        || type.equals("checkout.session.async_payment_failed") || type.equals("checkout.session.expired");
  }
}
