package genpay.billing;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which events billing takes and what each names to sync, in both invoice shapes. */
class BillingEventsTest {

  @Test
  void anInvoicesSubscriptionIsReadBeforeBasilAndFromBasilOn() {
    JsonObject beforeBasil = new JsonObject().put("id", "in_1").put("object", "invoice")
        .put("subscription", "sub_before").put("customer", "cus_1");
    JsonObject basil = new JsonObject().put("id", "in_2").put("object", "invoice").put("customer", "cus_1")
        .put("parent", new JsonObject().put("type", "subscription_details")
            .put("subscription_details", new JsonObject().put("subscription", "sub_basil")));
    assertEquals("sub_before", BillingEvents.invoiceSubscription(beforeBasil));
    assertEquals("sub_basil", BillingEvents.invoiceSubscription(basil));
    assertEquals("sub_before", BillingEvents.target("invoice.paid", beforeBasil).subscriptionId());
    assertEquals("sub_basil", BillingEvents.target("invoice.payment_failed", basil).subscriptionId());
    JsonObject expanded = new JsonObject().put("subscription", new JsonObject().put("id", "sub_expanded"));
    assertEquals("sub_expanded", BillingEvents.invoiceSubscription(expanded));
    JsonObject oneOff = new JsonObject().put("id", "in_3").put("customer", "cus_9").put("subscription", null)
        .put("parent", null);
    assertNull(BillingEvents.invoiceSubscription(oneOff));
    assertEquals("cus_9", BillingEvents.target("invoice.paid", oneOff).customerId(), "the customer's account then");
  }

  @Test
  void eventsBillingTakesAndWhatEachNames() {
    JsonObject subscription = new JsonObject().put("id", "sub_1").put("object", "subscription").put("customer", "cus_1");
    for (String type : new String[] {"customer.subscription.created", "customer.subscription.updated",
        "customer.subscription.deleted"}) {
      assertTrue(BillingEvents.handled(type, subscription), type);
      assertEquals("sub_1", BillingEvents.target(type, subscription).subscriptionId(), type);
    }
    JsonObject subscriptionSession = new JsonObject().put("id", "cs_test_1").put("object", "checkout.session")
        .put("mode", "subscription").put("subscription", "sub_2").put("customer", "cus_1");
    assertTrue(BillingEvents.handled("checkout.session.completed", subscriptionSession));
    assertEquals("sub_2", BillingEvents.target("checkout.session.completed", subscriptionSession).subscriptionId());
    JsonObject paymentSession = subscriptionSession.copy().put("mode", "payment").put("subscription", null);
    assertFalse(BillingEvents.handled("checkout.session.completed", paymentSession), "orders and credits stay theirs");
    assertFalse(BillingEvents.handled("checkout.session.expired", subscriptionSession));

    JsonObject intent = new JsonObject().put("id", "pi_1").put("object", "payment_intent").put("customer", "cus_7");
    assertTrue(BillingEvents.handled("payment_intent.succeeded", intent));
    assertEquals("cus_7", BillingEvents.target("payment_intent.succeeded", intent).customerId());
    assertTrue(BillingEvents.target("payment_intent.succeeded", new JsonObject().put("id", "pi_2")).none(),
        "a payment of no customer is not a subscription's");

    JsonObject clock = new JsonObject().put("id", "clock_1").put("object", "test_helpers.test_clock");
    assertTrue(BillingEvents.handled("test_helpers.test_clock.ready", clock));
    assertEquals("clock_1", BillingEvents.target("test_helpers.test_clock.ready", clock).testClockId());
    assertTrue(BillingEvents.handled("invoice.finalized", new JsonObject()), "every invoice.* event");
    assertFalse(BillingEvents.handled("charge.refunded", new JsonObject()));
  }
}
