package genpay.stripe;

import genpay.config.Addresses;
import genpay.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

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
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_CREATE,
            answering(body -> Future.succeededFuture(gateway.create(CheckoutCommand.fromJson(body))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CREDITS_CHECKOUT_CREATE,
            answering(body -> Future.succeededFuture(gateway.createCredits(CreditsCheckoutCommand.fromJson(body)))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_RETRIEVE,
            answering(body -> Future.succeededFuture(gateway.retrieve(body.getString("sessionId"))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_CHECKOUT_EXPIRE,
            answering(body -> Future.succeededFuture(gateway.expire(body.getString("sessionId"))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.STRIPE_REFUND_CREATE,
            answering(body -> Future.succeededFuture(gateway.refund(body)))).completion());
  }
}
