package genpay.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Price;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.model.testhelpers.TestClock;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billingportal.SessionCreateParams;
import com.stripe.param.testhelpers.TestClockAdvanceParams;
import com.stripe.param.testhelpers.TestClockCreateParams;
import genpay.TestEngine;
import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox's Stripe Billing through stripe-java and real HTTP: every object it answers is read by stripe-java
 * (the engine's client), and the webhooks it sends are received by a stand-in app on loopback.
 */
class StripeBillingSandboxTest {

  private static TestEngine genpay;
  private static SandboxEventInbox inbox;
  private static StripeClient stripe;

  @BeforeAll
  static void start() throws Exception {
    int appPort = TestEngine.freePort();
    genpay = TestEngine.start(Map.of("APP_URL", "http://127.0.0.1:" + appPort,
        "STRIPE_WEBHOOK_SECRET", SandboxEventInbox.SECRET));
    inbox = SandboxEventInbox.listen(genpay.engine.vertx(), appPort);
    stripe = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
  }

  @AfterAll
  static void stop() {
    inbox.close();
    genpay.close();
  }

  static Customer customer(String email) throws Exception {
    return stripe.v1().customers().create(CustomerCreateParams.builder().setEmail(email)
        .putMetadata("account_id", "acc_" + email.hashCode()).build());
  }

  static Session subscriptionCheckout(Customer customer, String price) throws Exception {
    return stripe.v1().checkout().sessions().create(com.stripe.param.checkout.SessionCreateParams.builder()
        .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SUBSCRIPTION)
        .setCustomer(customer.getId())
        .setClientReferenceId(customer.getMetadata().get("account_id"))
        .addLineItem(com.stripe.param.checkout.SessionCreateParams.LineItem.builder().setPrice(price)
            .setQuantity(1L).build())
        .setSubscriptionData(com.stripe.param.checkout.SessionCreateParams.SubscriptionData.builder()
            .putMetadata("account_id", customer.getMetadata().get("account_id")).build())
        .putMetadata("kind", "subscription")
        .setSuccessUrl("http://localhost/en/account?subscribed={CHECKOUT_SESSION_ID}")
        .setCancelUrl("http://localhost/en/plans")
        .build());
  }

  /** Posts the pay page's form as a browser does, with a test card. */
  static HttpResponse<Buffer> payWithCard(String sessionId, String card) {
    return await(genpay.http.post("/sandbox/stripe/pay/" + sessionId + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("email=payer%40example.com&card=" + URLEncoder.encode(card, StandardCharsets.UTF_8)
            + "&outcome=paid")));
  }

  static HttpResponse<Buffer> post(String path, String form) {
    return await(genpay.http.post(path).putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer(form)));
  }

  /** A customer subscribed to {@code price}, paid with {@code card}, once all its checkout events arrived. */
  static Subscription subscribed(Customer customer, String price, String card) throws Exception {
    Session session = subscriptionCheckout(customer, price);
    assertEquals(303, payWithCard(session.getId(), card).statusCode());
    inbox.await(customer.getId(), mine -> SandboxEventInbox.types(mine).contains("checkout.session.completed"));
    return stripe.v1().subscriptions().retrieve(stripe.v1().checkout().sessions().retrieve(session.getId())
        .getSubscription());
  }

  static long clockTime(Customer customer) throws Exception {
    return stripe.v1().testHelpers().testClocks().retrieve(customer.getTestClock()).getFrozenTime();
  }

  /** Advances the customer's clock and waits until it is ready again (its ready event arrived). */
  static TestClock advance(Customer customer, long to) throws Exception {
    String clockId = customer.getTestClock();
    int readyBefore = (int) SandboxEventInbox.types(inbox.of(clockId)).stream()
        .filter("test_helpers.test_clock.ready"::equals).count();
    TestClock advancing = stripe.v1().testHelpers().testClocks().advance(clockId,
        TestClockAdvanceParams.builder().setFrozenTime(to).build());
    assertEquals("advancing", advancing.getStatus());
    assertEquals(to, advancing.getFrozenTime());
    inbox.awaitType(clockId, "test_helpers.test_clock.ready", readyBefore);
    TestClock ready = stripe.v1().testHelpers().testClocks().retrieve(clockId);
    assertEquals("ready", ready.getStatus());
    return ready;
  }

  static List<Invoice> invoices(Customer customer) throws Exception {
    return stripe.v1().invoices().list(InvoiceListParams.builder().setCustomer(customer.getId()).build()).getData();
  }

  static String subscriptionOf(JsonObject event) {
    JsonObject object = SandboxEventInbox.object(event);
    return switch (object.getString("object")) {
      case "subscription" -> object.getString("id");
      case "invoice" -> object.getJsonObject("parent").getJsonObject("subscription_details").getString("subscription");
      case "checkout.session" -> object.getString("subscription");
      default -> null;
    };
  }

  @Test
  void pricesArePlanPricesFromTheCreditsSettings() throws Exception {
    Price pro = stripe.v1().prices().retrieve("price_sandbox_pro_monthly");
    assertEquals(genpay.settings().credits().plan("pro").monthlyPriceCents(), pro.getUnitAmount());
    assertEquals("month", pro.getRecurring().getInterval());
    assertEquals("pro_monthly", pro.getLookupKey());
    assertEquals("pro", pro.getMetadata().get("plan"));
    Price yearly = stripe.v1().prices().retrieve("price_sandbox_enterprise_yearly");
    assertEquals(genpay.settings().credits().plan("enterprise").yearlyPriceCents(), yearly.getUnitAmount());
    assertEquals("year", yearly.getRecurring().getInterval());
    assertEquals("prod_sandbox_enterprise", yearly.getProduct());
    assertEquals(404, assertThrows(InvalidRequestException.class,
        () -> stripe.v1().prices().retrieve("price_sandbox_free_monthly")).getStatusCode(), "the free plan has none");
  }

  @Test
  void aCustomerGetsItsOwnTestClockAndTheSameIdempotencyKeyTheSameCustomer() throws Exception {
    RequestOptions key = RequestOptions.builder().setIdempotencyKey("customer-acc-" + System.nanoTime()).build();
    CustomerCreateParams params = CustomerCreateParams.builder().setEmail("idem@example.com")
        .putMetadata("account_id", "acc_idem").build();
    Customer first = stripe.v1().customers().create(params, key);
    Customer again = stripe.v1().customers().create(params, key);
    assertEquals(first.getId(), again.getId());
    assertTrue(first.getId().startsWith("cus_"), first.getId());
    assertEquals("acc_idem", stripe.v1().customers().retrieve(first.getId()).getMetadata().get("account_id"));
    TestClock clock = stripe.v1().testHelpers().testClocks().retrieve(first.getTestClock());
    assertEquals("ready", clock.getStatus());
    assertEquals("genpay sandbox", clock.getName());
    assertTrue(Math.abs(clock.getFrozenTime() - System.currentTimeMillis() / 1000) < 300, "frozen at the real now");
    Customer other = customer("other@example.com");
    assertFalse(other.getTestClock().equals(first.getTestClock()), "each customer has its own clock");

    TestClock named = stripe.v1().testHelpers().testClocks().create(TestClockCreateParams.builder()
        .setFrozenTime(1_767_225_600L).setName("shared").build());
    Customer onNamed = stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("n@example.com")
        .setTestClock(named.getId()).build());
    assertEquals(named.getId(), onNamed.getTestClock());
  }

  @Test
  void aSubscriptionCheckoutPaidWithACardStartsAnActiveSubscriptionWithAPaidFirstInvoice() throws Exception {
    Customer customer = customer("subscriber@example.com");
    long now = clockTime(customer);
    Session session = subscriptionCheckout(customer, "price_sandbox_pro_monthly");
    assertEquals("subscription", session.getMode());
    assertEquals("open", session.getStatus());
    assertNull(session.getSubscription());
    assertEquals(customer.getId(), session.getCustomer());
    assertEquals(2900L, session.getAmountTotal());

    HttpResponse<Buffer> page = await(genpay.http.get("/sandbox/stripe/pay/" + session.getId()).send());
    assertTrue(page.bodyAsString().contains("id=\"card\""), "the pay page takes a card");
    HttpResponse<Buffer> paid = payWithCard(session.getId(), "4242 4242 4242 4242");
    assertEquals(303, paid.statusCode());
    assertEquals("http://localhost/en/account?subscribed=" + session.getId(), paid.getHeader("Location"));

    Session complete = stripe.v1().checkout().sessions().retrieve(session.getId());
    assertEquals("complete", complete.getStatus());
    assertEquals("paid", complete.getPaymentStatus());
    assertTrue(complete.getSubscription().startsWith("sub_"));
    assertTrue(complete.getInvoice().startsWith("in_"));

    Subscription sub = stripe.v1().subscriptions().retrieve(complete.getSubscription());
    assertEquals("active", sub.getStatus());
    assertEquals(customer.getId(), sub.getCustomer());
    assertEquals(customer.getTestClock(), sub.getTestClock());
    assertEquals(customer.getMetadata().get("account_id"), sub.getMetadata().get("account_id"));
    assertFalse(sub.getCancelAtPeriodEnd());
    assertEquals(complete.getInvoice(), sub.getLatestInvoice());
    var item = sub.getItems().getData().get(0);
    assertEquals("price_sandbox_pro_monthly", item.getPrice().getId());
    assertEquals(now, item.getCurrentPeriodStart());
    assertEquals(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(now), ZoneOffset.UTC).plusMonths(1)
        .toEpochSecond(), item.getCurrentPeriodEnd(), "a calendar month");

    List<Invoice> invoices = invoices(customer);
    assertEquals(1, invoices.size());
    Invoice first = invoices.get(0);
    assertEquals(complete.getInvoice(), first.getId());
    assertEquals("paid", first.getStatus());
    assertEquals("subscription_create", first.getBillingReason());
    assertEquals(2900L, first.getAmountPaid());
    assertEquals(sub.getId(), first.getParent().getSubscriptionDetails().getSubscription());
    assertEquals(customer.getMetadata().get("account_id"),
        first.getParent().getSubscriptionDetails().getMetadata().get("account_id"));
    assertEquals(now, first.getStatusTransitions().getPaidAt());
    InvoiceLineItem line = first.getLines().getData().get(0);
    assertEquals("price_sandbox_pro_monthly", line.getPricing().getPriceDetails().getPrice());
    assertEquals(item.getCurrentPeriodEnd(), line.getPeriod().getEnd());
    assertEquals(first.getId(), stripe.v1().invoices().retrieve(first.getId()).getId());
    assertEquals(1, stripe.v1().invoices().list(InvoiceListParams.builder().setSubscription(sub.getId())
        .setStatus(InvoiceListParams.Status.PAID).build()).getData().size());
    assertEquals(0, stripe.v1().invoices().list(InvoiceListParams.builder().setCustomer(customer.getId())
        .setStatus(InvoiceListParams.Status.OPEN).build()).getData().size());

    StripeCollection<PaymentMethod> methods = stripe.v1().paymentMethods().list(PaymentMethodListParams.builder()
        .setCustomer(customer.getId()).setType(PaymentMethodListParams.Type.CARD).build());
    assertEquals(1, methods.getData().size());
    PaymentMethod card = methods.getData().get(0);
    assertEquals("4242", card.getCard().getLast4());
    assertEquals(sub.getDefaultPaymentMethod(), card.getId());
    assertEquals(card.getId(), stripe.v1().customers().retrieve(customer.getId()).getInvoiceSettings()
        .getDefaultPaymentMethod());
    assertEquals(1, stripe.v1().customers().paymentMethods().list(customer.getId()).getData().size());

    List<JsonObject> events = inbox.await(customer.getId(), 7);
    assertEquals(List.of("customer.subscription.created", "invoice.created", "invoice.finalized", "invoice.paid",
        "payment_intent.succeeded", "customer.subscription.updated", "checkout.session.completed"),
        SandboxEventInbox.types(events));
    assertEquals("incomplete", SandboxEventInbox.object(events.get(0)).getString("status"), "a snapshot of its moment");
    assertEquals("draft", SandboxEventInbox.object(events.get(1)).getString("status"));
    assertEquals("open", SandboxEventInbox.object(events.get(2)).getString("status"));
    assertEquals("paid", SandboxEventInbox.object(events.get(3)).getString("status"));
    assertEquals("active", SandboxEventInbox.object(events.get(5)).getString("status"));
    assertEquals(sub.getId(), SandboxEventInbox.object(events.get(6)).getString("subscription"));
    assertFalse(events.get(0).encode().contains("\"_sandbox\""), "no bookkeeping shows: " + events.get(0));

    assertEquals(400, payWithCard(session.getId(), "4242424242424242").statusCode(), "paid once");
    assertEquals(1, invoices(customer).size());
  }

  @Test
  void declinedCardsKeepTheSessionOpenAndShowWhyAndSendNothing() throws Exception {
    Customer customer = customer("declined@example.com");
    Session session = subscriptionCheckout(customer, "price_sandbox_pro_monthly");
    Map<String, String> reasons = Map.of(
        "4000000000000002", "Your card was declined.",
        "4000 0000 0000 9995", "Your card has insufficient funds.",
        "1234123412341234", "Your card number is incorrect.");
    for (Map.Entry<String, String> card : reasons.entrySet()) {
      HttpResponse<Buffer> page = payWithCard(session.getId(), card.getKey());
      assertEquals(402, page.statusCode(), card.getKey());
      assertTrue(page.bodyAsString().matches("(?s).*<p id=\"error\"[^>]*>" + java.util.regex.Pattern.quote(
          card.getValue()) + "</p>.*"), page.bodyAsString());
      assertTrue(page.bodyAsString().contains("id=\"pay\""), "the pay page again");
    }
    Session still = stripe.v1().checkout().sessions().retrieve(session.getId());
    assertEquals("open", still.getStatus());
    assertEquals("unpaid", still.getPaymentStatus());
    assertNull(still.getSubscription());
    assertTrue(invoices(customer).isEmpty());

    // The same session is then paid with a good card: only then does anything arrive.
    assertEquals(303, payWithCard(session.getId(), "4242424242424242").statusCode());
    List<JsonObject> events = inbox.await(customer.getId(), 7);
    assertEquals(7, events.size());
    assertEquals("checkout.session.completed", events.get(6).getString("type"));
  }

  @Test
  void threeDSecureAuthorizedPaysAndFailedReturnsToThePayPage() throws Exception {
    Customer customer = customer("3ds@example.com");
    Session session = subscriptionCheckout(customer, "price_sandbox_enterprise_monthly");
    HttpResponse<Buffer> asked = payWithCard(session.getId(), "4000002500003155");
    assertEquals(303, asked.statusCode());
    assertEquals("/sandbox/stripe/pay/" + session.getId() + "/3ds", asked.getHeader("Location"));
    HttpResponse<Buffer> step = await(genpay.http.get(asked.getHeader("Location")).send());
    assertTrue(step.bodyAsString().contains("id=\"authorize\"") && step.bodyAsString().contains("id=\"fail-auth\""));

    HttpResponse<Buffer> failed = post(asked.getHeader("Location"), "result=fail");
    assertEquals(402, failed.statusCode());
    assertTrue(failed.bodyAsString().contains("We are unable to authenticate your payment method."));
    assertEquals("open", stripe.v1().checkout().sessions().retrieve(session.getId()).getStatus());
    assertEquals(303, await(genpay.http.get(asked.getHeader("Location")).send()).statusCode(),
        "the step is over: back to the pay page");

    payWithCard(session.getId(), "4000 0025 0000 3155");
    HttpResponse<Buffer> authorized = post("/sandbox/stripe/pay/" + session.getId() + "/3ds", "result=authorize");
    assertEquals(303, authorized.statusCode());
    assertEquals("http://localhost/en/account?subscribed=" + session.getId(), authorized.getHeader("Location"));
    Session complete = stripe.v1().checkout().sessions().retrieve(session.getId());
    assertEquals("paid", complete.getPaymentStatus());
    assertEquals("active", stripe.v1().subscriptions().retrieve(complete.getSubscription()).getStatus());
    assertEquals(7, inbox.await(customer.getId(), 7).size());
  }

  @Test
  void aMonthLaterTheClockRenewsThePeriodWithAPaidCycleInvoice() throws Exception {
    Customer customer = customer("renews@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_monthly", "4242424242424242");
    long end = sub.getItems().getData().get(0).getCurrentPeriodEnd();
    int before = inbox.of(customer.getId()).size();
    advance(customer, end + BillingPeriods.DAY);

    Subscription renewed = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("active", renewed.getStatus());
    var item = renewed.getItems().getData().get(0);
    assertEquals(end, item.getCurrentPeriodStart());
    assertEquals(BillingPeriods.periodEnd(sub.getBillingCycleAnchor(), "month", 1), item.getCurrentPeriodEnd());
    List<Invoice> invoices = invoices(customer);
    assertEquals(2, invoices.size());
    Invoice cycle = invoices.get(0);
    assertEquals("subscription_cycle", cycle.getBillingReason(), "newest first");
    assertEquals("paid", cycle.getStatus());
    assertEquals(2900L, cycle.getAmountPaid());
    assertEquals(end, cycle.getStatusTransitions().getPaidAt(), "paid at the period's end on the clock");
    assertEquals(end, cycle.getLines().getData().get(0).getPeriod().getStart());
    assertEquals(renewed.getLatestInvoice(), cycle.getId());
    String hosted = java.net.URI.create(cycle.getHostedInvoiceUrl()).getPath();
    HttpResponse<Buffer> invoicePage = await(genpay.http.get(hosted).send());
    assertEquals(200, invoicePage.statusCode());
    assertTrue(invoicePage.bodyAsString().contains(cycle.getNumber()));
    List<String> types = SandboxEventInbox.types(inbox.await(customer.getId(), before + 5)
        .subList(before, before + 5));
    assertEquals(List.of("invoice.created", "invoice.finalized", "invoice.paid", "payment_intent.succeeded",
        "customer.subscription.updated"), types);
  }

  @Test
  void aCardThatFailsLaterMakesThePeriodPastDueThenRetriesThenCancels() throws Exception {
    Customer customer = customer("fails@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_monthly", "4000000000000341");
    assertEquals("active", sub.getStatus(), "0341 pays at the checkout");
    long end = sub.getItems().getData().get(0).getCurrentPeriodEnd();
    int before = inbox.of(customer.getId()).size();

    advance(customer, end + 60);
    Subscription pastDue = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("past_due", pastDue.getStatus());
    Invoice open = invoices(customer).get(0);
    assertEquals("open", open.getStatus());
    assertEquals(1L, open.getAttemptCount());
    assertEquals(end + 3 * BillingPeriods.DAY, open.getNextPaymentAttempt());
    assertEquals(List.of("invoice.created", "invoice.finalized", "invoice.payment_failed",
        "customer.subscription.updated"), SandboxEventInbox.types(inbox.of(customer.getId()).subList(before,
        before + 4)));
    assertEquals("past_due", SandboxEventInbox.object(inbox.of(customer.getId()).get(before + 3)).getString("status"));

    advance(customer, end + 4 * BillingPeriods.DAY);
    Invoice retried = stripe.v1().invoices().retrieve(open.getId());
    assertEquals(2L, retried.getAttemptCount());
    assertEquals(end + 5 * BillingPeriods.DAY, retried.getNextPaymentAttempt());
    assertEquals("past_due", stripe.v1().subscriptions().retrieve(sub.getId()).getStatus());

    // One advance across the last two retries: both happen, in time order, and Stripe gives up.
    advance(customer, end + 8 * BillingPeriods.DAY);
    Invoice given = stripe.v1().invoices().retrieve(open.getId());
    assertEquals("uncollectible", given.getStatus());
    assertEquals(4L, given.getAttemptCount());
    assertNull(given.getNextPaymentAttempt());
    Subscription canceled = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("canceled", canceled.getStatus());
    assertEquals(end + 7 * BillingPeriods.DAY, canceled.getEndedAt());
    List<String> after = SandboxEventInbox.types(inbox.of(customer.getId()).subList(before + 4,
        inbox.of(customer.getId()).size())).stream().filter(type -> !type.startsWith("test_helpers")).toList();
    assertEquals(List.of("invoice.payment_failed", "invoice.payment_failed", "invoice.payment_failed",
        "invoice.marked_uncollectible", "customer.subscription.deleted"), after);
  }

  @Test
  void cancelAtPeriodEndEndsTheSubscriptionWhenTheClockPassesTheEnd() throws Exception {
    Customer customer = customer("cancels@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_yearly", "4242424242424242");
    long end = sub.getItems().getData().get(0).getCurrentPeriodEnd();
    Subscription cancelling = stripe.v1().subscriptions().update(sub.getId(),
        SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build());
    assertTrue(cancelling.getCancelAtPeriodEnd());
    assertEquals(end, cancelling.getCancelAt());
    assertEquals("active", cancelling.getStatus());
    List<JsonObject> updated = inbox.await(customer.getId(), 8);
    assertEquals("customer.subscription.updated", updated.get(7).getString("type"));
    assertTrue(SandboxEventInbox.object(updated.get(7)).getBoolean("cancel_at_period_end"));
    int before = 8;
    advance(customer, end + BillingPeriods.DAY);
    Subscription canceled = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("canceled", canceled.getStatus());
    assertEquals(end, canceled.getEndedAt());
    assertEquals(1, invoices(customer).size(), "no renewal invoice");
    assertEquals(List.of("customer.subscription.deleted"), SandboxEventInbox.types(inbox.of(customer.getId())
        .subList(before, inbox.of(customer.getId()).size())).stream()
        .filter(type -> !type.startsWith("test_helpers")).toList());
    assertEquals(400, assertThrows(InvalidRequestException.class, () -> stripe.v1().subscriptions().update(sub.getId(),
        SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build())).getStatusCode());
  }

  @Test
  void anUpgradeWithAlwaysInvoiceChargesTheTwoProRataLinesNow() throws Exception {
    Customer customer = customer("upgrades@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_monthly", "4242424242424242");
    var item = sub.getItems().getData().get(0);
    long start = item.getCurrentPeriodStart();
    long end = item.getCurrentPeriodEnd();
    long at = start + (end - start) / 3;
    advance(customer, at);
    int before = inbox.of(customer.getId()).size();

    Subscription upgraded = stripe.v1().subscriptions().update(sub.getId(), SubscriptionUpdateParams.builder()
        .addItem(SubscriptionUpdateParams.Item.builder().setId(item.getId())
            .setPrice("price_sandbox_enterprise_monthly").build())
        .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE).build());
    assertEquals("price_sandbox_enterprise_monthly", upgraded.getItems().getData().get(0).getPrice().getId());
    assertEquals(end, upgraded.getItems().getData().get(0).getCurrentPeriodEnd(), "the period stays");
    Invoice update = stripe.v1().invoices().retrieve(upgraded.getLatestInvoice());
    assertEquals("subscription_update", update.getBillingReason());
    assertEquals("paid", update.getStatus());
    List<InvoiceLineItem> lines = update.getLines().getData();
    assertEquals(2, lines.size());
    long unused = BillingPeriods.share(2900, end - at, end - start);
    long remaining = BillingPeriods.share(19900, end - at, end - start);
    assertEquals(-unused, lines.get(0).getAmount());
    assertEquals("price_sandbox_pro_monthly", lines.get(0).getPricing().getPriceDetails().getPrice());
    assertEquals(remaining, lines.get(1).getAmount());
    assertEquals("price_sandbox_enterprise_monthly", lines.get(1).getPricing().getPriceDetails().getPrice());
    for (InvoiceLineItem line : lines) {
      assertEquals(at, line.getPeriod().getStart());
      assertEquals(end, line.getPeriod().getEnd());
      assertTrue(line.getParent().getSubscriptionItemDetails().getProration());
    }
    assertEquals(remaining - unused, update.getAmountPaid());
    assertEquals(List.of("customer.subscription.updated", "invoice.created", "invoice.finalized", "invoice.paid",
        "payment_intent.succeeded", "customer.subscription.updated"),
        SandboxEventInbox.types(inbox.await(customer.getId(), before + 6).subList(before, before + 6)));
  }

  @Test
  void aDowngradeWithCreateProrationsWaitsForTheNextCycleInvoiceAndDeleteCancelsNow() throws Exception {
    Customer customer = customer("downgrades@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_enterprise_monthly", "4242424242424242");
    var item = sub.getItems().getData().get(0);
    long end = item.getCurrentPeriodEnd();
    Subscription downgraded = stripe.v1().subscriptions().update(sub.getId(), SubscriptionUpdateParams.builder()
        .addItem(SubscriptionUpdateParams.Item.builder().setId(item.getId())
            .setPrice("price_sandbox_pro_monthly").build()).build());
    assertEquals("price_sandbox_pro_monthly", downgraded.getItems().getData().get(0).getPrice().getId());
    assertEquals(1, invoices(customer).size(), "nothing invoiced now");
    advance(customer, end + 60);
    Invoice cycle = invoices(customer).get(0);
    assertEquals("subscription_cycle", cycle.getBillingReason());
    assertEquals(3, cycle.getLines().getData().size(), "the two pending proration lines and the new period");
    assertEquals(2900L, cycle.getLines().getData().get(2).getAmount());
    long sum = cycle.getLines().getData().stream().mapToLong(InvoiceLineItem::getAmount).sum();
    assertEquals(Math.max(0, sum), cycle.getAmountDue());

    int before = inbox.of(customer.getId()).size();
    Subscription canceled = stripe.v1().subscriptions().cancel(sub.getId());
    assertEquals("canceled", canceled.getStatus());
    assertEquals(end + 60, canceled.getEndedAt(), "now on the customer's clock");
    assertEquals("customer.subscription.deleted", inbox.await(customer.getId(), before + 1).get(before).getString("type"));
  }

  @Test
  void twoAdvancesAtOnceRenewThePeriodOnce() throws Exception {
    Customer customer = customer("races@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_monthly", "4242424242424242");
    long end = sub.getItems().getData().get(0).getCurrentPeriodEnd();
    String path = "/sandbox/stripe/v1/test_helpers/test_clocks/" + customer.getTestClock() + "/advance";
    var first = genpay.http.post(path).putHeader("Authorization", "Bearer " + Settings.SANDBOX_SECRET_KEY)
        .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("frozen_time", String.valueOf(end + 60)));
    var second = genpay.http.post(path).putHeader("Authorization", "Bearer " + Settings.SANDBOX_SECRET_KEY)
        .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("frozen_time", String.valueOf(end + 120)));
    List<Integer> statuses = List.of(await(first).statusCode(), await(second).statusCode());
    assertTrue(statuses.contains(200), statuses.toString());
    inbox.awaitType(customer.getTestClock(), "test_helpers.test_clock.ready", 0);
    assertEquals(2, invoices(customer).size(), "one renewal: " + statuses);
  }

  @Test
  void thePortalCancelsRenewsChangesPlanReplacesTheCardAndListsInvoices() throws Exception {
    Customer customer = customer("portal@example.com");
    Subscription sub = subscribed(customer, "price_sandbox_pro_monthly", "4000000000000341");
    com.stripe.model.billingportal.Session portal = stripe.v1().billingPortal().sessions().create(
        SessionCreateParams.builder().setCustomer(customer.getId()).setReturnUrl("http://localhost/en/account").build());
    assertTrue(portal.getId().startsWith("bps_"));
    String path = "/sandbox/stripe/portal/" + portal.getId();
    assertEquals(genpay.settings().appUrl() + path, portal.getUrl());
    String page = await(genpay.http.get(path).send()).bodyAsString();
    for (String id : List.of("id=\"cancel\"", "id=\"plan-price_sandbox_enterprise_monthly\"", "id=\"card\"",
        "id=\"replace-card\"", "id=\"invoices\"", "id=\"return\" href=\"http://localhost/en/account\"")) {
      assertTrue(page.contains(id), id + " in " + page);
    }
    assertTrue(page.contains(invoices(customer).get(0).getNumber()), "the invoice is listed");

    String form = "subscription=" + sub.getId();
    assertEquals(303, post(path + "/cancel", form).statusCode());
    assertTrue(stripe.v1().subscriptions().retrieve(sub.getId()).getCancelAtPeriodEnd());
    assertTrue(await(genpay.http.get(path).send()).bodyAsString().contains("id=\"renew\""));
    assertEquals(303, post(path + "/renew", form).statusCode());
    assertFalse(stripe.v1().subscriptions().retrieve(sub.getId()).getCancelAtPeriodEnd());

    // The 0341 card fails the renewal; a new card in the portal pays the open invoice at once.
    long end = sub.getItems().getData().get(0).getCurrentPeriodEnd();
    advance(customer, end + 60);
    assertEquals("past_due", stripe.v1().subscriptions().retrieve(sub.getId()).getStatus());
    HttpResponse<Buffer> declined = post(path + "/card", "card=4000000000000002");
    assertEquals(400, declined.statusCode());
    assertTrue(declined.bodyAsString().contains("Your card was declined."));
    assertEquals(303, post(path + "/card", "card=4242424242424242").statusCode());
    Subscription paid = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("active", paid.getStatus());
    assertEquals("paid", stripe.v1().invoices().retrieve(paid.getLatestInvoice()).getStatus());
    assertEquals("4242", stripe.v1().paymentMethods().retrieve(paid.getDefaultPaymentMethod()).getCard().getLast4());

    // A dearer plan is invoiced at once.
    assertEquals(303, post(path + "/plan", form + "&price=price_sandbox_enterprise_monthly").statusCode());
    Subscription upgraded = stripe.v1().subscriptions().retrieve(sub.getId());
    assertEquals("price_sandbox_enterprise_monthly", upgraded.getItems().getData().get(0).getPrice().getId());
    assertEquals("subscription_update", stripe.v1().invoices().retrieve(upgraded.getLatestInvoice())
        .getBillingReason());
    assertEquals(404, post(path + "/cancel", "subscription=sub_notyours").statusCode());
    assertEquals(400, assertThrows(InvalidRequestException.class, () -> stripe.v1().billingPortal().sessions()
        .create(SessionCreateParams.builder().setCustomer(customer.getId()).setReturnUrl("javascript:alert(1)")
            .build())).getStatusCode(), "the portal links only to a web address");
  }

  @Test
  void oneAdvanceProcessesTheClocksCustomersInTimeOrder() throws Exception {
    TestClock shared = stripe.v1().testHelpers().testClocks().create(TestClockCreateParams.builder()
        .setFrozenTime(System.currentTimeMillis() / 1000).setName("two customers").build());
    Customer early = stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("early@example.com")
        .setTestClock(shared.getId()).build());
    Subscription first = subscribed(early, "price_sandbox_pro_monthly", "4242424242424242");
    advance(early, shared.getFrozenTime() + 10 * BillingPeriods.DAY);
    Customer late = stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("late@example.com")
        .setTestClock(shared.getId()).build());
    // The later customer's subscription is the newer one on the clock, its period ends ten days after the first's.
    Subscription second = subscribed(late, "price_sandbox_enterprise_monthly", "4242424242424242");
    long firstEnd = first.getItems().getData().get(0).getCurrentPeriodEnd();
    long secondEnd = second.getItems().getData().get(0).getCurrentPeriodEnd();
    assertTrue(secondEnd > firstEnd);
    int before = inbox.all().size();
    advance(early, BillingPeriods.periodEnd(first.getBillingCycleAnchor(), "month", 1) + 60);

    List<String> renewals = new java.util.ArrayList<>();
    for (JsonObject event : inbox.all().subList(before, inbox.all().size())) {
      if ("invoice.paid".equals(event.getString("type"))) {
        JsonObject invoice = SandboxEventInbox.object(event);
        renewals.add(invoice.getString("customer") + "@" + invoice.getJsonObject("status_transitions").getLong("paid_at"));
      }
    }
    assertEquals(List.of(early.getId() + "@" + firstEnd, late.getId() + "@" + secondEnd,
        early.getId() + "@" + BillingPeriods.periodEnd(first.getBillingCycleAnchor(), "month", 1)), renewals,
        "each renewal at its time, in time order across customers");
  }
}
