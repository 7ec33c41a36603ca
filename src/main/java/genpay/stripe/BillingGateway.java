package genpay.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static genpay.stripe.CheckoutGateway.call;

/**
 * The stripe-java calls of subscriptions (customers, subscription Checkout, subscriptions, invoices, payment methods,
 * the billing portal, test clocks). Each answers Stripe's raw JSON, read like a webhook's object. They block on HTTP:
 * only the gateway's worker verticle calls them.
 */
public final class BillingGateway {

  private static final Logger LOG = LoggerFactory.getLogger(BillingGateway.class);

  private final StripeClient client;
  private final Settings settings;

  public BillingGateway(Settings settings) {
    this.settings = settings;
    this.client = CheckoutGateway.client(settings);
  }

  /** {@code {accountId, email}}: one customer per account, whoever asks and however often (Idempotency-Key). */
  public JsonObject createCustomer(JsonObject command) {
    String accountId = command.getString("accountId");
    CustomerCreateParams.Builder params = CustomerCreateParams.builder().putMetadata("account_id", accountId);
    if (command.getString("email") != null) {
      params.setEmail(command.getString("email"));
    }
    RequestOptions options = RequestOptions.builder().setIdempotencyKey("customer-" + accountId).build();
    Customer customer = call("create customer of " + accountId,
        () -> client.v1().customers().create(params.build(), options));
    LOG.info("account {}: Stripe customer {}", accountId, customer.getId());
    return raw(customer.getLastResponse().body());
  }

  public JsonObject retrieveCustomer(String customerId) {
    return raw(call("retrieve " + customerId, () -> client.v1().customers().retrieve(customerId))
        .getLastResponse().body());
  }

  /**
   * {@code {accountId, customerId, priceId, plan, interval, locale, idempotencyKey}}: Checkout in subscription mode;
   * the account rides in client_reference_id and in the subscription's metadata.
   */
  public JsonObject createSubscriptionCheckout(JsonObject command) {
    String accountId = command.getString("accountId");
    String locale = command.getString("locale");
    SessionCreateParams params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
        .setCustomer(command.getString("customerId"))
        .setClientReferenceId(accountId)
        .setSuccessUrl(settings.appUrl() + "/" + locale + "/account?subscribed={CHECKOUT_SESSION_ID}")
        .setCancelUrl(settings.appUrl() + "/" + locale + "/plans")
        .addLineItem(SessionCreateParams.LineItem.builder().setPrice(command.getString("priceId")).setQuantity(1L)
            .build())
        .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
            .putMetadata("account_id", accountId).putMetadata("plan", command.getString("plan"))
            .putMetadata("interval", command.getString("interval")).build())
        .putMetadata("kind", "subscription")
        .putMetadata("account_id", accountId)
        .build();
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(command.getString("idempotencyKey")).build();
    Session session = call("create subscription checkout of " + accountId,
        () -> client.v1().checkout().sessions().create(params, options));
    LOG.info("account {}: subscription checkout {} ({} {})", accountId, session.getId(), command.getString("plan"),
        command.getString("interval"));
    return raw(session.getLastResponse().body());
  }

  public JsonObject retrieveSubscription(String subscriptionId) {
    return raw(call("retrieve " + subscriptionId, () -> client.v1().subscriptions().retrieve(subscriptionId))
        .getLastResponse().body());
  }

  /**
   * {@code {subscriptionId, cancelAtPeriodEnd}} or {@code {subscriptionId, itemId, priceId, prorationBehavior:
   * always_invoice|create_prorations|none}}.
   */
  public JsonObject updateSubscription(JsonObject command) {
    String subscriptionId = command.getString("subscriptionId");
    SubscriptionUpdateParams.Builder params = SubscriptionUpdateParams.builder();
    if (command.getValue("cancelAtPeriodEnd") instanceof Boolean cancel) {
      params.setCancelAtPeriodEnd(cancel);
    }
    if (command.getString("priceId") != null) {
      params.addItem(SubscriptionUpdateParams.Item.builder().setId(command.getString("itemId"))
              .setPrice(command.getString("priceId")).build())
          .setProrationBehavior(switch (command.getString("prorationBehavior", "create_prorations")) {
            case "always_invoice" -> SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE;
            case "none" -> SubscriptionUpdateParams.ProrationBehavior.NONE;
            default -> SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS;
          });
    }
    Subscription updated = call("update " + subscriptionId,
        () -> client.v1().subscriptions().update(subscriptionId, params.build()));
    return raw(updated.getLastResponse().body());
  }

  /** Cancels now (not at the period's end). */
  public JsonObject cancelSubscription(String subscriptionId) {
    return raw(call("cancel " + subscriptionId, () -> client.v1().subscriptions().cancel(subscriptionId))
        .getLastResponse().body());
  }

  /** {@code {customer?, subscription?, status?, limit?}} → Stripe's list, newest first. */
  public JsonObject listInvoices(JsonObject query) {
    InvoiceListParams.Builder params = InvoiceListParams.builder().setLimit(query.getLong("limit", 10L));
    if (query.getString("customer") != null) {
      params.setCustomer(query.getString("customer"));
    }
    if (query.getString("subscription") != null) {
      params.setSubscription(query.getString("subscription"));
    }
    if (query.getString("status") != null) {
      params.setStatus(InvoiceListParams.Status.valueOf(query.getString("status").toUpperCase(java.util.Locale.ROOT)));
    }
    StripeCollection<Invoice> list = call("list invoices", () -> client.v1().invoices().list(params.build()));
    return raw(list.getLastResponse().body());
  }

  public JsonObject retrieveInvoice(String invoiceId) {
    return raw(call("retrieve " + invoiceId, () -> client.v1().invoices().retrieve(invoiceId))
        .getLastResponse().body());
  }

  public JsonObject listPaymentMethods(String customerId) {
    PaymentMethodListParams params = PaymentMethodListParams.builder().setCustomer(customerId)
        .setType(PaymentMethodListParams.Type.CARD).build();
    return raw(call("list payment methods of " + customerId, () -> client.v1().paymentMethods().list(params))
        .getLastResponse().body());
  }

  /** {@code {customer, returnUrl}} → the portal session, whose {@code url} the customer opens. */
  public JsonObject createPortalSession(JsonObject command) {
    com.stripe.param.billingportal.SessionCreateParams params = com.stripe.param.billingportal.SessionCreateParams
        .builder().setCustomer(command.getString("customer")).setReturnUrl(command.getString("returnUrl")).build();
    return raw(call("create billing portal session", () -> client.v1().billingPortal().sessions().create(params))
        .getLastResponse().body());
  }

  public JsonObject retrieveTestClock(String testClockId) {
    return raw(call("retrieve " + testClockId, () -> client.v1().testHelpers().testClocks().retrieve(testClockId))
        .getLastResponse().body());
  }

  private static JsonObject raw(String body) {
    return new JsonObject(body);
  }
}
