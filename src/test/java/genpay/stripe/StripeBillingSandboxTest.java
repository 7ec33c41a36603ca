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
}
