package genpay.billing;

import genpay.TestEngine;
import genpay.config.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the sandbox's own webhooks off, the engine learns of a subscription only from what a test sends or asks: each
 * invoice shape alone syncs and grants, a sync that cannot be stored answers 503, the page after Checkout and the
 * sweep find a subscription no event told of, and the endpoints answer in their shapes.
 */
class BillingWebhooksAndEndpointsTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false", "REDIS_TIMEOUT_MS", "1000"));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  /** Subscribed and paid at the sandbox; no event reached the engine. */
  static BillingTestSupport subscribedUnseen() throws Exception {
    BillingTestSupport account = new BillingTestSupport(genpay);
    account.subscribe("pro", "monthly", SubscriptionScenarios.PAYS);
    assertTrue(account.entries("subscription_grant").isEmpty());
    assertEquals("free", account.plan());
    return account;
  }

  static JsonObject firstInvoice(BillingTestSupport account) throws Exception {
    JsonArray invoices = account.invoices();
    assertEquals(1, invoices.size());
    return invoices.getJsonObject(0);
  }

  @Test
  void aSignedInvoicePaidOfEitherShapeAloneSyncsTheSubscriptionAndGrants() throws Exception {
    BillingTestSupport before = subscribedUnseen();
    JsonObject basil = firstInvoice(before);
    String subscriptionId = basil.getJsonObject("parent").getJsonObject("subscription_details")
        .getString("subscription");
    // Without customer, so only the shape's own field can name the subscription (not the customer's account).
    JsonObject preBasil = basil.copy();
    preBasil.remove("customer");
    preBasil.remove("parent");
    preBasil.put("subscription", subscriptionId);
    for (Object line : preBasil.getJsonObject("lines").getJsonArray("data")) {
      ((JsonObject) line).remove("parent");
    }
    assertEquals(200, before.postEvent("evt_test_pre" + System.nanoTime(), "invoice.paid", preBasil).statusCode());
    assertEquals(List.of("subscription_grant 50000 " + basil.getString("id")), before.entries("subscription_grant"));
    assertEquals("pro", before.plan());

    BillingTestSupport after = subscribedUnseen();
    JsonObject current = firstInvoice(after).copy();
    assertNull(current.getValue("subscription"), "the sandbox speaks basil and later");
    current.remove("customer");
    assertEquals(200, after.postEvent("evt_test_basil" + System.nanoTime(), "invoice.paid", current).statusCode());
    assertEquals(List.of("subscription_grant 50000 " + current.getString("id")), after.entries("subscription_grant"));
    assertEquals("pro", after.plan());

    BillingTestSupport neither = subscribedUnseen();
    JsonObject bare = firstInvoice(neither).copy();
    bare.remove("parent");
    bare.remove("customer");
    assertEquals(200, neither.postEvent("evt_test_bare" + System.nanoTime(), "invoice.paid", bare).statusCode());
    assertTrue(neither.entries("subscription_grant").isEmpty(), "without either field nothing names the subscription");
  }

  @Test
  void aSyncThatCannotBeStoredAnswers503AndTheRetryGrantsOnce() throws Exception {
    BillingTestSupport account = subscribedUnseen();
    JsonObject invoice = firstInvoice(account);
    String eventId = "evt_test_retry" + System.nanoTime();
    genpay.pauseRedisWrites(3_000);
    assertEquals(503, account.postEvent(eventId, "invoice.paid", invoice).statusCode());
    // A write of our own waits out the pause: no sleeping.
    await(genpay.redis.send(Request.cmd(Command.SET).arg("test:after-pause").arg("1")));
    assertEquals(200, account.postEvent(eventId, "invoice.paid", invoice).statusCode());
    assertEquals(200, account.postEvent(eventId, "invoice.paid", invoice).statusCode());
    assertEquals(1, account.entries("subscription_grant").size(), account.entries().toString());
  }

  @Test
  void thePageAfterCheckoutSeesTheSubscriptionWithoutAWebhookAndTheEndpointsAnswerInTheirShapes() throws Exception {
    BillingTestSupport account = subscribedUnseen();
    JsonObject shown = account.subscription();
    assertEquals("pro", shown.getString("plan"));
    JsonObject subscription = shown.getJsonObject("subscription");
    assertEquals("active", subscription.getString("status"));
    assertEquals("pro", subscription.getString("plan"));
    assertEquals("monthly", subscription.getString("interval"));
    assertFalse(subscription.getBoolean("cancelAtPeriodEnd"));
    assertTrue(subscription.getString("customerId").startsWith("cus_"));
    assertTrue(Instant.parse(subscription.getString("currentPeriodEnd"))
        .isAfter(Instant.parse(subscription.getString("currentPeriodStart"))));
    assertEquals(1, account.entries("subscription_grant").size());

    JsonArray cards = account.get("/api/payment/payment-methods").bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, cards.size());
    assertEquals("4242", cards.getJsonObject(0).getString("last4"));
    assertTrue(cards.getJsonObject(0).getBoolean("default"));
    JsonArray invoices = account.get("/api/payment/invoices").bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, invoices.size());
    JsonObject invoice = invoices.getJsonObject(0);
    assertEquals("subscription_create", invoice.getString("billingReason"));
    assertEquals("paid", invoice.getString("status"));
    assertEquals(2900, invoice.getInteger("amountPaid"));
    assertTrue(Instant.parse(invoice.getString("created")).getEpochSecond() > 0);

    HttpResponse<Buffer> portal = account.post("/api/payment/billing-portal", new JsonObject()
        .put("return_url", "/de/account"));
    assertEquals(200, portal.statusCode(), portal.bodyAsString());
    assertTrue(portal.bodyAsJsonObject().getString("url").startsWith(genpay.settings().appUrl()
        + "/sandbox/stripe/portal/"), portal.bodyAsString());
    assertEquals(400, account.post("/api/payment/billing-portal", new JsonObject()
        .put("return_url", "https://evil.example/")).statusCode());
    HttpResponse<Buffer> again = account.post("/api/payment/checkout/subscription", new JsonObject().put("plan", "pro"));
    assertEquals(409, again.statusCode());
    assertEquals("https://genpay.dev/problems/already-subscribed", again.bodyAsJsonObject().getString("type"));
    HttpResponse<Buffer> same = account.post("/api/payment/subscription/change-plan", new JsonObject()
        .put("subscription_id", subscription.getString("id")).put("new_plan", "pro"));
    assertEquals(400, same.statusCode(), same.bodyAsString());

    BillingTestSupport fresh = new BillingTestSupport(genpay);
    assertEquals(new JsonObject().put("plan", "free").put("subscription", null), fresh.subscription());
    assertEquals(0, fresh.get("/api/payment/invoices").bodyAsJsonObject().getJsonArray("items").size());
    assertEquals(0, fresh.get("/api/payment/payment-methods").bodyAsJsonObject().getJsonArray("items").size());
    HttpResponse<Buffer> freePlan = fresh.post("/api/payment/checkout/subscription", new JsonObject().put("plan", "free"));
    assertEquals(400, freePlan.statusCode());
    assertEquals("plan", freePlan.bodyAsJsonObject().getString("field"));
    assertTrue(fresh.billingHash().isEmpty(), "bad input made no customer");
    assertEquals(401, await(genpay.http.get("/api/payment/subscription").send()).statusCode());
  }

  @Test
  void theSweepSyncsASubscriptionWhoseRenewalNoEventToldOf() throws Exception {
    BillingTestSupport account = subscribedUnseen();
    long end = Instant.parse(account.subscription().getJsonObject("subscription").getString("currentPeriodEnd"))
        .getEpochSecond();
    assertEquals(1, account.entries("subscription_grant").size());
    account.advanceClock(end + 3600);
    awaitClockReady(account);
    assertEquals(1, account.entries("subscription_grant").size(), "no event, no sync yet");
    JsonObject swept = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.BILLING_SWEEP,
        new JsonObject().put("olderThanMs", 0))).body();
    assertTrue(swept.getInteger("synced") >= 1, swept.encode());
    assertEquals(2, account.entries("subscription_grant").size(), account.entries().toString());
  }

  /** With webhooks off there is no ready event to await: the clock's status is read until ready, with a deadline. */
  static void awaitClockReady(BillingTestSupport account) throws Exception {
    String clock = account.stripe.v1().customers().retrieve(account.billingHash().get("customerId")).getTestClock();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!"ready".equals(account.stripe.v1().testHelpers().testClocks().retrieve(clock).getStatus())) {
      assertTrue(System.nanoTime() < deadline, "the test clock never became ready");
      await(io.vertx.core.Future.future(p -> genpay.engine.vertx().setTimer(50, id -> p.complete())));
    }
  }
}
