package genpay.billing;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.mail.MailOutbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenarios of issue 15 against the real Stripe sandbox, its webhooks and test clocks, through the engine's own
 * API: one engine per class, one account (with its own Stripe customer and test clock) per scenario. Subclasses
 * run them with the sandbox's events in Stripe's order and shuffled; the end states are the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SubscriptionScenarios {

  static final String PAYS = "4242424242424242";
  static final String FAILS_LATER = "4000000000000341";
  private static final long HOUR = 3600;
  private static final long DAY = 24 * HOUR;

  TestEngine genpay;

  abstract Map<String, String> settings();

  @BeforeAll
  void start() throws Exception {
    genpay = TestEngine.start(settings());
  }

  @AfterAll
  void stop() {
    genpay.close();
  }

  /** Subscribes to pro monthly with {@code card} and waits for the first grant. */
  BillingTestSupport subscribedToProMonthly(String card) {
    BillingTestSupport account = new BillingTestSupport(genpay);
    Future<JsonObject> granted = account.ledgerWrite("subscription_grant");
    Future<JsonObject> active = account.billingChange(change -> "pro".equals(change.getString("accountPlan")));
    account.subscribe("pro", "monthly", card);
    await(Future.all(granted, active));
    return account;
  }

  static long periodEnd(BillingTestSupport account) {
    return Instant.parse(account.subscription().getJsonObject("subscription").getString("currentPeriodEnd"))
        .getEpochSecond();
  }

  static long periodStart(BillingTestSupport account) {
    return Instant.parse(account.subscription().getJsonObject("subscription").getString("currentPeriodStart"))
        .getEpochSecond();
  }

  @Test
  void subscribeRenewAMonthLaterAndReplayedInvoiceEventsGrantOnce() throws Exception {
    BillingTestSupport account = subscribedToProMonthly(PAYS);
    // Scenario: subscribe to pro monthly → one grant of 500.
    List<String> grants = account.entries("subscription_grant");
    assertEquals(1, grants.size(), grants.toString());
    assertTrue(grants.get(0).startsWith("subscription_grant 50000 in_"), grants.toString());
    JsonObject state = account.subscription();
    assertEquals("pro", state.getString("plan"));
    assertEquals("active", state.getJsonObject("subscription").getString("status"));
    assertEquals("monthly", state.getJsonObject("subscription").getString("interval"));
    assertEquals("pro", account.plan());
    String firstInvoice = grants.get(0).substring(grants.get(0).lastIndexOf(' ') + 1);

    // Scenario: advance the clock a month → a second 500, and the first month's unspent 500 leaves by expiry.
    Future<JsonObject> renewed = account.ledgerWrite("subscription_grant");
    account.advanceClock(periodEnd(account) + HOUR);
    await(renewed);
    List<String> after = account.entries("subscription_grant", "expiry");
    assertEquals(3, after.stream().filter(line -> line.startsWith("subscription_grant") || line.contains(" -50000 "))
        .count(), after.toString());
    assertEquals("subscription_grant 50000 " + firstInvoice, after.get(0));
    assertTrue(after.contains(after.get(after.size() - 1)) && after.get(after.size() - 1)
        .startsWith("subscription_grant 50000 in_"), after.toString());
    String secondInvoice = after.get(after.size() - 1).substring(after.get(after.size() - 1).lastIndexOf(' ') + 1);
    assertFalse(secondInvoice.equals(firstInvoice));
    assertTrue(after.stream().anyMatch(line -> line.startsWith("expiry -50000 ")), "the first month's grant expired: "
        + after);
    assertEquals("pro", account.plan());

    // Scenario: the same invoice.paid again, and under another event id → no new grant.
    JsonObject paid = account.invoice(secondInvoice);
    List<Map<String, String>> before = account.entries();
    String eventId = "evt_test_replay" + System.nanoTime();
    assertEquals(200, account.postEvent(eventId, "invoice.paid", paid).statusCode());
    assertEquals(200, account.postEvent(eventId, "invoice.paid", paid).statusCode());
    assertEquals(200, account.postEvent(eventId + "x", "invoice.paid", paid).statusCode());
    assertEquals(before, account.entries(), "no entry written by the repeats");
    System.out.println("SCENARIO renew " + account.accountId + ": " + account.entries().stream()
        .map(e -> e.get("type") + " " + e.get("amount") + " " + e.get("source_id")).toList());
  }

  @Test
  void aCardThatFailsLaterGoesPastDueMailsOnceAndFallsBackToFreeWhenStripeGivesUp() throws Exception {
    BillingTestSupport account = subscribedToProMonthly(FAILS_LATER);
    long end = periodEnd(account);

    Future<JsonObject> pastDue = account.billingChange(change -> "past_due".equals(change.getString("status")));
    Future<JsonObject> mailed = mailSent(MailOutboxCause.paymentFailed());
    account.advanceClock(end + HOUR);
    JsonObject due = await(pastDue);
    assertEquals("pro", due.getString("accountPlan"), "the plan stays while Stripe retries");
    assertEquals("pro", account.plan());
    JsonObject attempt = await(mailed);
    String failedInvoice = attempt.getString("cause").substring(MailOutboxCause.paymentFailed().length());
    assertEquals("past_due", account.subscription().getJsonObject("subscription").getString("status"));

    // Stripe retries at +3, +5 and +7 days, then gives up: the subscription is canceled, the account free.
    Future<JsonObject> free = account.billingChange(change -> "free".equals(change.getString("accountPlan")));
    account.advanceClock(end + 8 * DAY);
    JsonObject ended = await(free);
    assertEquals("canceled", ended.getString("status"));
    assertEquals("free", account.plan());
    JsonObject shown = account.subscription();
    assertEquals("free", shown.getString("plan"));
    assertEquals("canceled", shown.getJsonObject("subscription").getString("status"));

    List<String> grants = account.entries("subscription_grant");
    assertEquals(1, grants.size(), "nothing granted for the failed period: " + grants);
    List<JsonObject> mails = account.mails().stream()
        .filter(mail -> mail.getString("subject").startsWith("Payment for genpay Pro failed")).toList();
    assertEquals(1, mails.size(), "one mail for the failed invoice, whatever its four failures: " + mails);
    assertTrue(mails.get(0).getString("text").contains(failedInvoice), mails.get(0).getString("text"));
    System.out.println("SCENARIO failing card " + account.accountId + ": " + account.entries().stream()
        .map(e -> e.get("type") + " " + e.get("amount") + " " + e.get("source_id")).toList());
  }

  @Test
  void anUpgradeMidPeriodGrantsTheProRataDifferenceOnce() throws Exception {
    BillingTestSupport account = subscribedToProMonthly(PAYS);
    long start = periodStart(account);
    long end = periodEnd(account);
    String subscriptionId = account.subscription().getJsonObject("subscription").getString("id");

    Future<JsonObject> moved = account.billingChange(change -> true);
    account.advanceClock(start + 10 * DAY);
    await(moved);
    long now = account.clockTime();
    HttpResponse<Buffer> changed = account.post("/api/payment/subscription/change-plan",
        new JsonObject().put("subscription_id", subscriptionId).put("new_plan", "enterprise"));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertEquals("enterprise", changed.bodyAsJsonObject().getString("plan"));
    assertEquals("enterprise", changed.bodyAsJsonObject().getJsonObject("subscription").getString("plan"));

    long expected = (500000L - 50000L) * (end - now) / (end - start);
    List<String> grants = account.entries("subscription_grant");
    assertEquals(2, grants.size(), grants.toString());
    assertTrue(grants.get(1).startsWith("subscription_grant " + expected + " in_"), "expected " + expected + ": "
        + grants);
    String updateInvoice = grants.get(1).substring(grants.get(1).lastIndexOf(' ') + 1);
    assertEquals("subscription_update", account.invoice(updateInvoice).getString("billing_reason"));

    List<Map<String, String>> before = account.entries();
    assertEquals(200, account.postEvent("evt_test_again" + System.nanoTime(), "invoice.paid",
        account.invoice(updateInvoice)).statusCode());
    assertEquals(200, account.postEvent("evt_test_sub" + System.nanoTime(), "customer.subscription.updated",
        new JsonObject().put("id", subscriptionId).put("object", "subscription")).statusCode());
    assertEquals(before, account.entries(), "the difference is granted once");
    assertEquals("enterprise", account.plan());
    System.out.println("SCENARIO upgrade " + account.accountId + ": " + account.entries().stream()
        .map(e -> e.get("type") + " " + e.get("amount") + " " + e.get("source_id")).toList());
  }

  @Test
  void cancelAtPeriodEndStaysProUntilTheClockPassesTheEndThenFree() throws Exception {
    BillingTestSupport account = subscribedToProMonthly(PAYS);
    long end = periodEnd(account);
    String subscriptionId = account.subscription().getJsonObject("subscription").getString("id");

    HttpResponse<Buffer> canceled = account.post("/api/payment/subscription/cancel",
        new JsonObject().put("subscription_id", subscriptionId).put("at_period_end", true));
    assertEquals(200, canceled.statusCode(), canceled.bodyAsString());
    assertEquals("pro", canceled.bodyAsJsonObject().getString("plan"));
    assertTrue(canceled.bodyAsJsonObject().getJsonObject("subscription").getBoolean("cancelAtPeriodEnd"));

    Future<JsonObject> dayBefore = account.billingChange(change -> true);
    account.advanceClock(end - DAY);
    JsonObject still = await(dayBefore);
    assertEquals("pro", still.getString("accountPlan"));
    assertEquals("active", still.getString("status"));
    assertEquals("pro", account.plan());

    Future<JsonObject> free = account.billingChange(change -> "free".equals(change.getString("accountPlan")));
    account.advanceClock(end + HOUR);
    assertEquals("canceled", await(free).getString("status"));
    assertEquals("free", account.plan());
    assertEquals(1, account.entries("subscription_grant").size(), "no renewal of a canceled subscription");
    System.out.println("SCENARIO cancel " + account.accountId + ": " + account.entries().stream()
        .map(e -> e.get("type") + " " + e.get("amount") + " " + e.get("source_id")).toList());
  }

  @Test
  void anotherAccountsSubscriptionIdIsNotFoundAndChangesNothing() throws Exception {
    BillingTestSupport owner = subscribedToProMonthly(PAYS);
    String subscriptionId = owner.subscription().getJsonObject("subscription").getString("id");
    BillingTestSupport other = new BillingTestSupport(genpay);
    for (String path : new String[] {"/api/payment/subscription/cancel", "/api/payment/subscription/change-plan"}) {
      HttpResponse<Buffer> answer = other.post(path, new JsonObject().put("subscription_id", subscriptionId)
          .put("new_plan", "enterprise").put("at_period_end", false));
      assertEquals(404, answer.statusCode(), answer.bodyAsString());
      assertEquals("application/problem+json", answer.getHeader("Content-Type"));
    }
    HttpResponse<Buffer> bad = other.post("/api/payment/subscription/cancel", new JsonObject().put("subscription_id", 42));
    assertEquals(400, bad.statusCode());
    assertTrue(other.billingHash().isEmpty(), "the other account got nothing: " + other.billingHash());
    com.stripe.model.Subscription atStripe = owner.stripe.v1().subscriptions().retrieve(subscriptionId);
    assertEquals("active", atStripe.getStatus(), "not canceled at Stripe");
    assertFalse(atStripe.getCancelAtPeriodEnd());
    assertEquals("price_sandbox_pro_monthly", atStripe.getItems().getData().get(0).getPrice().getId(), "not changed");
    JsonObject kept = owner.subscription().getJsonObject("subscription");
    assertEquals("active", kept.getString("status"));
    assertFalse(kept.getBoolean("cancelAtPeriodEnd"));
    assertEquals(409, owner.post("/api/payment/checkout/subscription", new JsonObject().put("plan", "enterprise"))
        .statusCode(), "already subscribed: change the plan instead");
  }

  /** The first mail.attempted notice of a sent message whose cause starts with {@code prefix}. */
  Future<JsonObject> mailSent(String prefix) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(Addresses.MAIL_ATTEMPTED);
    consumer.handler(message -> {
      if (message.body().getString("cause", "").startsWith(prefix)
          && "sent".equals(message.body().getString("outcome"))) {
        consumer.unregister();
        seen.tryComplete(message.body());
      }
    });
    await(consumer.completion());
    return seen.future();
  }

  static final class MailOutboxCause {
    static String paymentFailed() {
      return MailOutbox.SUBSCRIPTION_PAYMENT_FAILED;
    }
  }
}
