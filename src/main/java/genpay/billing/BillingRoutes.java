package genpay.billing;

import genpay.accounts.Account;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.web.InvalidInput;
import genpay.web.JsonAnswer;
import genpay.web.Problems;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/**
 * The subscription endpoints of DESIGN.md section 15 (session cookie or API key; state changes need the app's own
 * origin, as AuthHandler checks). Each validates its input, then asks {@code billing.*} on the bus.
 */
public final class BillingRoutes {

  public static final String CHECKOUT = "/api/payment/checkout/subscription";
  public static final String SUBSCRIPTION = "/api/payment/subscription";
  /** GET subscription syncs the state kept when it is older than this. */
  static final long FRESH_MS = 60_000;
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(40_000);

  private final Settings settings;
  private final EventBus bus;

  public BillingRoutes(Settings settings, EventBus bus) {
    this.settings = settings;
    this.bus = bus;
  }

  public void mount(Router router) {
    router.post(CHECKOUT).handler(AuthHandler.required()).handler(this::checkout);
    router.get(SUBSCRIPTION).handler(AuthHandler.required()).handler(ctx -> answer(ctx, () -> ask(
        Addresses.BILLING_SUBSCRIPTION, ctx, new JsonObject().put("maxAgeMs", FRESH_MS))));
    router.post(SUBSCRIPTION + "/cancel").handler(AuthHandler.required()).handler(ctx -> answer(ctx, () -> {
      BillingRequests.Cancel cancel = BillingRequests.cancel(ctx.body().buffer());
      return ask(Addresses.BILLING_CANCEL, ctx, new JsonObject().put("subscriptionId", cancel.subscriptionId())
          .put("atPeriodEnd", cancel.atPeriodEnd()));
    }));
    router.post(SUBSCRIPTION + "/change-plan").handler(AuthHandler.required()).handler(ctx -> answer(ctx, () -> {
      BillingRequests.ChangePlan change = BillingRequests.changePlan(ctx.body().buffer(), settings.credits());
      return ask(Addresses.BILLING_CHANGE_PLAN, ctx, new JsonObject().put("subscriptionId", change.subscriptionId())
          .put("newPlan", change.newPlan()).put("interval", change.interval()));
    }));
    router.post("/api/payment/billing-portal").handler(AuthHandler.required()).handler(ctx -> answer(ctx, () -> {
      String returnUrl = BillingRequests.portalReturnUrl(ctx.body().buffer(), settings.appUrl());
      return ask(Addresses.BILLING_PORTAL, ctx, new JsonObject().put("returnUrl", returnUrl)
          .put("email", AuthHandler.account(ctx).email()));
    }));
    router.get("/api/payment/payment-methods").handler(AuthHandler.required())
        .handler(ctx -> answer(ctx, () -> ask(Addresses.BILLING_PAYMENT_METHODS, ctx, new JsonObject())));
    router.get("/api/payment/invoices").handler(AuthHandler.required())
        .handler(ctx -> answer(ctx, () -> ask(Addresses.BILLING_INVOICES, ctx, new JsonObject())));
  }

  private void checkout(RoutingContext ctx) {
    answer(ctx, () -> {
      BillingRequests.Checkout checkout = BillingRequests.checkout(ctx.body().buffer(), settings.credits());
      Account account = AuthHandler.account(ctx);
      return ask(Addresses.BILLING_CHECKOUT, ctx, new JsonObject().put("email", account.email())
          .put("plan", checkout.plan()).put("interval", checkout.interval()).put("locale", checkout.locale()));
    });
  }

  private Future<JsonObject> ask(String address, RoutingContext ctx, JsonObject body) {
    return bus.<JsonObject>request(address, body.put("accountId", AuthHandler.account(ctx).id()), STRIPE_CALL)
        .map(reply -> reply.body());
  }

  /** Bad input: 400 and nothing asked; a conflict: 409 with its type; anything else as the bus failure says. */
  private static void answer(RoutingContext ctx, Supplier<Future<JsonObject>> call) {
    Future<JsonObject> answer;
    try {
      answer = call.get();
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    answer.onSuccess(body -> JsonAnswer.send(ctx, 200, body)).onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  static JsonObject problem(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == Subscriptions.CONFLICT) {
      String message = reply.getMessage() == null ? "" : reply.getMessage();
      int colon = message.indexOf(": ");
      String type = colon > 0 ? message.substring(0, colon) : "conflict";
      String detail = colon > 0 ? message.substring(colon + 2) : message;
      String title = "already-subscribed".equals(type) ? "The account has a subscription already"
          : "The subscription cannot be changed";
      return Problems.problem(409, type, title, detail);
    }
    return Problems.fromFailure(failure);
  }
}
