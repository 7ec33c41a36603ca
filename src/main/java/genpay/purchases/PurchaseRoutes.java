package genpay.purchases;

import genpay.web.JsonAnswer;
import genpay.accounts.Account;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.stripe.CreditsCheckoutCommand;
import genpay.web.InvalidInput;
import genpay.web.Problems;
import genpay.web.SessionIds;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * POST /api/payment/checkout/credits opens a Checkout Session for a package or a custom amount;
 * POST /api/payment/checkout/credits/{sessionId}/sync asks Stripe about it and grants it if paid (the credits
 * page calls it after Stripe's redirect, so a late webhook never keeps the buyer waiting).
 */
public final class PurchaseRoutes {

  public static final String CHECKOUT = "/api/payment/checkout/credits";
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(40_000);

  private PurchaseRoutes() {
  }

  public static void mount(Router router, Settings settings, EventBus bus) {
    router.post(CHECKOUT).handler(AuthHandler.required()).handler(ctx -> checkout(ctx, settings, bus));
    router.post(CHECKOUT + "/:sessionId/sync").handler(AuthHandler.required()).handler(ctx -> sync(ctx, bus));
  }

  private static void checkout(RoutingContext ctx, Settings settings, EventBus bus) {
    Account account = AuthHandler.account(ctx);
    CreditsPurchaseRequest request;
    try {
      request = CreditsPurchaseRequest.parse(ctx.body().buffer(), settings.credits());
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    CreditsCheckoutCommand command = new CreditsCheckoutCommand(account.id(), account.email(), request.packageId(),
        request.credits(), request.bonus(), request.priceCents(), request.locale(), UUID.randomUUID().toString());
    bus.<JsonObject>request(Addresses.PURCHASES_CHECKOUT, command.toJson(), STRIPE_CALL)
        .onSuccess(reply -> json(ctx, reply.body()))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private static void sync(RoutingContext ctx, EventBus bus) {
    String sessionId;
    try {
      sessionId = SessionIds.requireSessionId(ctx.pathParam("sessionId"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    JsonObject body = new JsonObject().put("accountId", AuthHandler.account(ctx).id()).put("sessionId", sessionId);
    bus.<JsonObject>request(Addresses.PURCHASES_SYNC, body, STRIPE_CALL)
        .onSuccess(reply -> json(ctx, reply.body().put("sessionId", sessionId)))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    JsonAnswer.send(ctx, 200, body);
  }
}
