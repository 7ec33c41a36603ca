package genpay.sessions;

import io.vertx.core.json.JsonObject;

/** What Checkout says of who paid and how: the buyer's e-mail and the payment intent refunds go against. */
public record Payment(String email, String paymentIntent) {

  public static final Payment UNKNOWN = new Payment("", "");

  public Payment {
    email = email == null ? "" : email;
    paymentIntent = paymentIntent == null ? "" : paymentIntent;
  }

  /** From a Checkout Session object as Stripe sends it (webhook or retrieve); the intent may be expanded. */
  public static Payment fromCheckoutSession(JsonObject session) {
    if (session == null) {
      return UNKNOWN;
    }
    Object details = session.getValue("customer_details");
    String email = details instanceof JsonObject json && json.getValue("email") instanceof String text ? text : "";
    Object intent = session.getValue("payment_intent");
    String paymentIntent = intent instanceof String id ? id
        : intent instanceof JsonObject expanded && expanded.getValue("id") instanceof String id ? id : "";
    return new Payment(email, paymentIntent);
  }

  public JsonObject toJson() {
    return new JsonObject().put("email", email).put("paymentIntent", paymentIntent);
  }

  public static Payment fromJson(JsonObject json) {
    return json == null ? UNKNOWN : new Payment(json.getString("email"), json.getString("paymentIntent"));
  }
}
