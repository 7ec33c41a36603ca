package genpay.stripe;

import genpay.config.Addresses;
import genpay.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

import static genpay.config.BusReplies.answering;

/** Deployed as a worker: stripe-java blocks on HTTP, and here that blocks a worker thread, never an event loop. */
public final class StripeGatewayVerticle extends VerticleBase {

  private final Settings settings;

  public StripeGatewayVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    CheckoutGateway gateway = new CheckoutGateway(settings);
    BillingGateway billing = new BillingGateway(settings);
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_CREATE,
            answering(body -> Future.succeededFuture(gateway.create(CheckoutCommand.fromJson(body))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CREDITS_CHECKOUT_CREATE,
            answering(body -> Future.succeededFuture(gateway.createCredits(CreditsCheckoutCommand.fromJson(body)))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_REQUEST_CHECKOUT_CREATE,
            answering(body -> Future.succeededFuture(gateway.createRequestCheckout(RequestCheckoutCommand.fromJson(body)))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_RETRIEVE,
            answering(body -> Future.succeededFuture(gateway.retrieve(body.getString("sessionId"))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_EXPIRE,
            answering(body -> Future.succeededFuture(gateway.expire(body.getString("sessionId"))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_REFUND_CREATE,
            answering(body -> Future.succeededFuture(gateway.refund(body)))).completion(),
        serve(Addresses.STRIPE_CUSTOMER_CREATE, billing::createCustomer),
        serve(Addresses.STRIPE_CUSTOMER_RETRIEVE, body -> billing.retrieveCustomer(body.getString("customerId"))),
        serve(Addresses.STRIPE_SUBSCRIPTION_CHECKOUT_CREATE, billing::createSubscriptionCheckout),
        serve(Addresses.STRIPE_SUBSCRIPTION_RETRIEVE,
            body -> billing.retrieveSubscription(body.getString("subscriptionId"))),
        serve(Addresses.STRIPE_SUBSCRIPTION_UPDATE, billing::updateSubscription),
        serve(Addresses.STRIPE_SUBSCRIPTION_CANCEL,
            body -> billing.cancelSubscription(body.getString("subscriptionId"))),
        serve(Addresses.STRIPE_INVOICES_LIST, billing::listInvoices),
        serve(Addresses.STRIPE_INVOICE_RETRIEVE, body -> billing.retrieveInvoice(body.getString("invoiceId"))),
        serve(Addresses.STRIPE_PAYMENT_METHODS_LIST, body -> billing.listPaymentMethods(body.getString("customerId"))),
        serve(Addresses.STRIPE_BILLING_PORTAL_CREATE, billing::createPortalSession),
        serve(Addresses.STRIPE_TEST_CLOCK_RETRIEVE, body -> billing.retrieveTestClock(body.getString("testClockId")))));
  }

  private Future<Void> serve(String address, Function<JsonObject, JsonObject> call) {
    return vertx.eventBus().<JsonObject>localConsumer(address,
        answering(body -> Future.succeededFuture(call.apply(body)))).completion();
  }
}
