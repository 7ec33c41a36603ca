package genpay.billing;

import io.vertx.core.json.JsonObject;

/**
 * Which Stripe events concern subscriptions, and what each names to sync. The event's own object is used only to
 * find the subscription (or the customer, or the test clock): what the subscription is comes from Stripe itself.
 */
public final class BillingEvents {

  /** What an event points at. Exactly one field is set, or none for an event billing has nothing to do with. */
  public record Target(String subscriptionId, String customerId, String testClockId) {
    static final Target NONE = new Target(null, null, null);

    public boolean none() {
      return subscriptionId == null && customerId == null && testClockId == null;
    }
  }

  private BillingEvents() {
  }

  /** Types of events billing takes (a checkout.session.completed only in subscription mode). */
  public static boolean handled(String type, JsonObject object) {
    if (type == null) {
      return false;
    }
    if (type.startsWith("customer.subscription.") || type.startsWith("invoice.")
        || "payment_intent.succeeded".equals(type) || "test_helpers.test_clock.ready".equals(type)) {
      return true;
    }
    return "checkout.session.completed".equals(type) && object != null && "subscription".equals(object.getValue("mode"));
  }

  /** What to sync for an event billing handles. */
  public static Target target(String type, JsonObject object) {
    if (type.startsWith("customer.subscription.")) {
      return subscription(text(object, "id"), object);
    }
    if (type.startsWith("invoice.")) {
      return subscription(invoiceSubscription(object), object);
    }
    if ("checkout.session.completed".equals(type)) {
      return subscription(text(object, "subscription"), object);
    }
    if ("test_helpers.test_clock.ready".equals(type)) {
      String clock = text(object, "id");
      return clock == null ? Target.NONE : new Target(null, null, clock);
    }
    // payment_intent.succeeded: a subscription's payment is its customer's; any other is not billing's.
    return subscription(null, object);
  }

  /**
   * The subscription of an invoice: {@code subscription} in API versions before 2025-03-31.basil,
   * {@code parent.subscription_details.subscription} from it on. Null for an invoice of no subscription.
   */
  public static String invoiceSubscription(JsonObject invoice) {
    Object before = invoice.getValue("subscription");
    if (before instanceof String id && !id.isEmpty()) {
      return id;
    }
    if (before instanceof JsonObject expanded && expanded.getValue("id") instanceof String id) {
      return id;
    }
    if (invoice.getValue("parent") instanceof JsonObject parent
        && parent.getValue("subscription_details") instanceof JsonObject details) {
      Object sub = details.getValue("subscription");
      if (sub instanceof String id && !id.isEmpty()) {
        return id;
      }
      if (sub instanceof JsonObject expanded && expanded.getValue("id") instanceof String id) {
        return id;
      }
    }
    return null;
  }

  private static Target subscription(String subscriptionId, JsonObject object) {
    if (subscriptionId != null) {
      return new Target(subscriptionId, null, null);
    }
    Object customer = object.getValue("customer");
    if (customer instanceof JsonObject expanded) {
      customer = expanded.getValue("id");
    }
    return customer instanceof String id && id.startsWith("cus_") ? new Target(null, id, null) : Target.NONE;
  }

  private static String text(JsonObject json, String key) {
    return json.getValue(key) instanceof String text && !text.isEmpty() ? text : null;
  }
}
