package genpay.stripe;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static genpay.stripe.StripeSandboxRoutes.api;
import static genpay.stripe.StripeSandboxRoutes.form;

/** The billing half of the sandbox's HTTP face: Stripe Billing's REST subset, the portal and invoice pages. */
final class SandboxBillingRoutes {

  private SandboxBillingRoutes() {
  }

  static void mount(Router router, SandboxBilling billing) {
    router.post("/v1/customers").handler(api(ctx ->
        billing.createCustomer(form(ctx), ctx.request().getHeader("Idempotency-Key"))));
    router.get("/v1/customers/:id").handler(api(ctx -> billing.customer(ctx.pathParam("id"))));
    router.get("/v1/customers/:id/payment_methods").handler(api(ctx -> billing.paymentMethods(ctx.pathParam("id"))));
    router.get("/v1/prices/:id").handler(api(ctx -> billing.price(ctx.pathParam("id"))));
    router.get("/v1/subscriptions/:id").handler(api(ctx -> billing.subscription(ctx.pathParam("id"))));
    router.post("/v1/subscriptions/:id").handler(api(ctx ->
        billing.updateSubscription(ctx.pathParam("id"), form(ctx))));
    router.delete("/v1/subscriptions/:id").handler(api(ctx -> billing.cancelSubscription(ctx.pathParam("id"))));
    router.get("/v1/invoices").handler(api(ctx -> billing.invoices(query(ctx))));
    router.get("/v1/invoices/:id").handler(api(ctx -> billing.invoice(ctx.pathParam("id"))));
    router.get("/v1/payment_methods").handler(api(ctx -> billing.paymentMethods(query(ctx).get("customer"))));
    router.post("/v1/billing_portal/sessions").handler(api(ctx -> billing.createPortalSession(form(ctx))));
    router.post("/v1/test_helpers/test_clocks").handler(api(ctx -> billing.createClock(form(ctx))));
    router.get("/v1/test_helpers/test_clocks/:id").handler(api(ctx -> billing.retrieveClock(ctx.pathParam("id"))));
    router.post("/v1/test_helpers/test_clocks/:id/advance").handler(api(ctx ->
        billing.advanceClock(ctx.pathParam("id"), form(ctx))));

    router.get("/portal/:id").handler(ctx -> portal(ctx, billing, null));
    router.post("/portal/:id/cancel").handler(ctx -> portalAction(ctx, billing, (portal, sub) ->
        billing.updateSubscription(sub, Map.of("cancel_at_period_end", "true")).mapEmpty()));
    router.post("/portal/:id/renew").handler(ctx -> portalAction(ctx, billing, (portal, sub) ->
        billing.updateSubscription(sub, Map.of("cancel_at_period_end", "false")).mapEmpty()));
    router.post("/portal/:id/plan").handler(ctx -> portalAction(ctx, billing, (portal, sub) -> changePlan(billing,
        sub, form(ctx).getOrDefault("price", ""))));
    router.post("/portal/:id/card").handler(ctx -> replaceCard(ctx, billing));
    router.get("/invoices/:id").handler(ctx -> billing.invoice(ctx.pathParam("id"))
        .onSuccess(invoice -> html(ctx, 200, SandboxPortalPage.invoice(invoice)))
        .onFailure(failure -> html(ctx, 404, SandboxPayPage.error(failure.getMessage()))));
  }

  private static Map<String, String> query(RoutingContext ctx) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(query::put);
    return query;
  }

  /** A dearer plan is invoiced at once, a cheaper one waits for the next cycle, as the portal's settings say. */
  private static Future<Void> changePlan(SandboxBilling billing, String subscriptionId, String priceId) {
    JsonObject price = billing.prices().find(priceId);
    if (price == null) {
      return Future.failedFuture(SandboxError.missing("price", priceId));
    }
    return billing.subscription(subscriptionId).compose(sub -> {
      JsonObject item = BillingSteps.item(sub);
      boolean dearer = price.getLong("unit_amount") > item.getJsonObject("price").getLong("unit_amount");
      return billing.updateSubscription(subscriptionId, Map.of("items[0][id]", item.getString("id"),
          "items[0][price]", priceId, "proration_behavior", dearer ? "always_invoice" : "create_prorations"));
    }).mapEmpty();
  }

  private interface Action {
    Future<Void> run(JsonObject portal, String subscriptionId);
  }

  /** A portal button: the subscription must be the portal customer's; then back to the portal page. */
  private static void portalAction(RoutingContext ctx, SandboxBilling billing, Action action) {
    String subscriptionId = form(ctx).getOrDefault("subscription", "");
    billing.portalSession(ctx.pathParam("id")).compose(portal -> billing.subscription(subscriptionId)
        .compose(sub -> {
          if (!portal.getString("customer").equals(sub.getString("customer"))) {
            return Future.failedFuture(SandboxError.missing("subscription", subscriptionId));
          }
          return action.run(portal, subscriptionId);
        }))
        .onSuccess(done -> backToPortal(ctx))
        .onFailure(failure -> portal(ctx, billing, failure));
  }

  private static void replaceCard(RoutingContext ctx, SandboxBilling billing) {
    String card = form(ctx).getOrDefault("card", "");
    SandboxCards.Entry entry = SandboxCards.enter(card);
    if (entry.kind() == SandboxCards.Kind.DECLINE) {
      portal(ctx, billing, SandboxError.invalid(entry.code(), entry.message()));
      return;
    }
    // The portal takes a 3-D Secure card as authenticated: its step belongs to the pay page.
    billing.portalSession(ctx.pathParam("id"))
        .compose(portal -> billing.replaceCard(portal.getString("customer"), card))
        .onSuccess(done -> backToPortal(ctx))
        .onFailure(failure -> portal(ctx, billing, failure));
  }

  private static void backToPortal(RoutingContext ctx) {
    ctx.response().setStatusCode(303)
        .putHeader("Location", StripeSandbox.PREFIX + "/portal/" + ctx.pathParam("id")).end();
  }

  /** The portal page, with the failure of the last action in #error when there was one. */
  private static void portal(RoutingContext ctx, SandboxBilling billing, Throwable failure) {
    billing.portalSession(ctx.pathParam("id")).compose(portal -> {
      String customerId = portal.getString("customer");
      return Future.all(billing.subscriptionsOf(customerId), billing.invoices(Map.of("customer", customerId,
              "limit", "100")), billing.paymentMethods(customerId), billing.customer(customerId))
          .map(all -> {
            List<JsonObject> subscriptions = all.resultAt(0);
            JsonArray invoices = all.<JsonObject>resultAt(1).getJsonArray("data");
            String defaultCard = all.<JsonObject>resultAt(3).getJsonObject("invoice_settings")
                .getString("default_payment_method");
            JsonObject card = null;
            JsonArray methods = all.<JsonObject>resultAt(2).getJsonArray("data");
            for (int i = 0; i < methods.size(); i++) {
              if (methods.getJsonObject(i).getString("id").equals(defaultCard)) {
                card = methods.getJsonObject(i);
              }
            }
            String error = failure == null ? null : failure instanceof SandboxError ? failure.getMessage()
                : "The sandbox's store is unavailable.";
            return SandboxPortalPage.render(portal, SandboxPortalPage.shown(subscriptions), card, invoices,
                billing.prices().all(), error);
          });
    }).onSuccess(page -> html(ctx, failure == null ? 200 : failure instanceof SandboxError known ? known.status : 503,
        page)).onFailure(error -> html(ctx, error instanceof SandboxError known ? known.status : 503,
        SandboxPayPage.error(error.getMessage())));
  }

  private static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(page);
  }
}
