package genpay.web;

import genpay.config.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * POST /api/webhooks/stripe: hands the raw body and its signature to the webhooks verticle, and answers
 * 2xx only once that verticle says the effect is in Redis (503 otherwise, so Stripe retries).
 */
public final class StripeWebhookHandler implements Handler<RoutingContext> {

  private static final DeliveryOptions WEBHOOK = new DeliveryOptions().setSendTimeout(15_000);

  private final EventBus bus;

  public StripeWebhookHandler(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject received = new JsonObject()
        .put("payload", java.util.Objects.requireNonNullElse(ctx.body().asString(), ""))
        .put("signature", ctx.request().getHeader("Stripe-Signature"));
    bus.<JsonObject>request(Addresses.STRIPE_WEBHOOK, received, WEBHOOK)
        .onSuccess(reply -> {
          JsonObject answer = reply.body();
          int status = answer.getInteger("status");
          if (status == 200) {
            ApiRouter.json(ctx, 200, new JsonObject().put("received", true));
          } else if (status == 400) {
            Problems.send(ctx, Problems.problem(400, "invalid-webhook", "The webhook was refused",
                answer.getString("detail")));
          } else {
            Problems.send(ctx, Problems.unavailable("The event could not be stored; Stripe will retry."));
          }
        })
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }
}
