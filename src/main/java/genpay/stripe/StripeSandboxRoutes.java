package genpay.stripe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import genpay.config.Settings;
import genpay.config.StripeSandboxFaults;

import java.util.Map;
import java.util.function.Function;

/** The sandbox's HTTP face: Stripe's REST subset under /v1 and the hosted checkout page under /pay. */
public final class StripeSandboxRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(StripeSandboxRoutes.class);

  private StripeSandboxRoutes() {
  }

  /**
   * A router to mount at {@link StripeSandbox#PREFIX}; the body handler runs before it. With
   * {@code deliverWebhooks}, paying, declining and expiring send their webhooks like Stripe.
   */
  public static Router create(Vertx vertx, StripeSandbox sandbox, Settings settings, boolean deliverWebhooks) {
    SandboxWebhookSender sender = deliverWebhooks ? new SandboxWebhookSender(vertx, settings) : null;
    io.vertx.core.Handler<JsonObject> expired = session -> {
      if (sender != null) {
        sender.send("checkout.session.expired", session);
      }
    };
    SandboxBilling billing = sandbox.billing(batch -> {
      if (sender != null) {
        sender.sendBilling(batch);
      }
    });
    Router router = Router.router(vertx);
    SandboxBillingRoutes.mount(router, billing);
    router.post("/v1/checkout/sessions").handler(api(ctx ->
        sandbox.createSession(form(ctx), ctx.request().getHeader("Idempotency-Key"))));
    router.get("/v1/checkout/sessions/:id").handler(api(ctx -> sandbox.retrieve(ctx.pathParam("id"))));
    router.post("/v1/checkout/sessions/:id/expire").handler(api(ctx ->
        sandbox.expire(ctx.pathParam("id")).onSuccess(expired)));
    StripeSandboxFaults faults = StripeSandboxFaults.parse(settings.sandboxStripeFaults());
    router.post("/v1/refunds").handler(ctx -> refund(ctx, sandbox, sender, faults));
    router.get("/pay/:id").handler(ctx -> payPage(ctx, sandbox));
    router.post("/pay/:id/complete").handler(ctx -> complete(ctx, sandbox, billing, sender));
    router.get("/pay/:id/3ds").handler(ctx -> authenticationPage(ctx, sandbox));
    router.post("/pay/:id/3ds").handler(ctx -> authenticate(ctx, sandbox, billing, sender));
    return router;
  }

  /**
   * A refund, and charge.refunded once it is made. With the refund_timeout fault the refund is made and
   * neither its answer nor its webhook is sent: the caller sees a timeout, as when Stripe acted but the reply
   * was lost and its webhook is late; only asking again (with the same Idempotency-Key) tells what happened.
   * With the refund_error fault it answers 500 and makes nothing.
   */
  private static void refund(RoutingContext ctx, StripeSandbox sandbox, SandboxWebhookSender sender,
                             StripeSandboxFaults faults) {
    if (faults.rollRefundError()) {
      LOG.warn("stripe sandbox: refund answered 500, not made (injected fault)");
      api(call -> Future.<JsonObject>failedFuture(new SandboxError(500, "api_error", "injected_fault",
          "An error occurred with our connection to Stripe (sandbox fault)."))).handle(ctx);
      return;
    }
    boolean holdAnswer = faults.rollRefundTimeout();
    api(call -> sandbox.refund(form(call), call.request().getHeader("Idempotency-Key")).map(refunded -> {
      JsonObject refund = refunded.refund();
      if (refunded.created()) {
        LOG.info("stripe sandbox: refund {} of {} {} made", refund.getString("id"), refund.getLong("amount"),
            refund.getString("currency"));
        if (sender != null && !holdAnswer) {
          sandbox.charge(refund.getString("payment_intent"))
              .onSuccess(charge -> sender.send("charge.refunded", charge));
        }
      }
      if (holdAnswer) {
        LOG.warn("stripe sandbox: refund {} made, its answer held back (injected fault)", refund.getString("id"));
        throw new HeldAnswer();
      }
      return refund;
    })).handle(ctx);
  }

  /** Not an error to answer: the answer is withheld on purpose, the connection left open. */
  private static final class HeldAnswer extends RuntimeException {
    HeldAnswer() {
      super(null, null, false, false);
    }
  }

  static io.vertx.core.Handler<RoutingContext> api(Function<RoutingContext, Future<JsonObject>> call) {
    return ctx -> {
      Future<JsonObject> answer;
      try {
        StripeSandbox.checkKey(ctx.request().getHeader("Authorization"));
        answer = call.apply(ctx);
      } catch (SandboxError e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
          .onFailure(failure -> stripeError(ctx, failure));
    };
  }

  private static void stripeError(RoutingContext ctx, Throwable failure) {
    if (failure instanceof HeldAnswer) {
      return;
    }
    SandboxError error = failure instanceof SandboxError known ? known
        : new SandboxError(503, "api_error", "sandbox_unavailable", "The sandbox's store is unavailable.");
    if (!(failure instanceof SandboxError)) {
      LOG.warn("stripe sandbox: {}", failure.toString());
    }
    ctx.response().setStatusCode(error.status).putHeader("Content-Type", "application/json")
        .end(error.toJson().encode());
  }

  static Map<String, String> form(RoutingContext ctx) {
    return FormParams.parse(ctx.body().asString());
  }

  private static void payPage(RoutingContext ctx, StripeSandbox sandbox) {
    sandbox.retrieve(ctx.pathParam("id"))
        .onSuccess(session -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .end(SandboxPayPage.render(session)))
        .onFailure(failure -> htmlError(ctx, failure));
  }

  /**
   * The pay page's form. Decline (outcome=declined) keeps its old meaning for a payment; a typed card decides
   * otherwise: it pays, asks for 3-D Secure, or is declined, which keeps the session open and shows why.
   * A client posting only outcome=paid pays as with 4242.
   */
  private static void complete(RoutingContext ctx, StripeSandbox sandbox, SandboxBilling billing,
                               SandboxWebhookSender sender) {
    String sessionId = ctx.pathParam("id");
    Map<String, String> form = FormParams.parse(ctx.body().asString());
    String outcome = form.getOrDefault("outcome", "");
    String email = form.getOrDefault("email", "");
    String card = form.getOrDefault("card", "").trim();
    sandbox.retrieve(sessionId).onFailure(failure -> htmlError(ctx, failure)).onSuccess(session -> {
      boolean subscription = "subscription".equals(session.getString("mode"));
      if (!subscription && ("declined".equals(outcome) || card.isEmpty())) {
        completePayment(ctx, sandbox, sender, sessionId, outcome, email);
        return;
      }
      if (!"open".equals(session.getString("status"))) {
        htmlError(ctx, SandboxError.invalid("checkout_session_not_open", "This Checkout Session is no longer open."));
        return;
      }
      SandboxCards.Entry entry = "declined".equals(outcome) ? SandboxCards.enter(SandboxCards.DECLINED)
          : SandboxCards.enter(card.isEmpty() ? SandboxCards.PAYS : card);
      switch (entry.kind()) {
        case DECLINE -> declined(ctx, session, entry.message(), email);
        case AUTHENTICATE -> sandbox.holdForAuthentication(sessionId, card, email)
            .onSuccess(held -> ctx.response().setStatusCode(303)
                .putHeader("Location", StripeSandbox.PREFIX + "/pay/" + sessionId + "/3ds").end())
            .onFailure(failure -> htmlError(ctx, failure));
        case PAY -> pay(ctx, sandbox, billing, sender, session, card.isEmpty() ? SandboxCards.PAYS : card, email);
      }
    });
  }

  /** A declined card, as Checkout shows it: the same page, the reason in #error, nothing sent. */
  private static void declined(RoutingContext ctx, JsonObject session, String reason, String email) {
    LOG.info("session {}: sandbox card declined", session.getString("id"));
    ctx.response().setStatusCode(402).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(SandboxPayPage.render(session, reason, email));
  }

  private static void pay(RoutingContext ctx, StripeSandbox sandbox, SandboxBilling billing,
                          SandboxWebhookSender sender, JsonObject session, String card, String email) {
    String sessionId = session.getString("id");
    if (!"subscription".equals(session.getString("mode"))) {
      completePayment(ctx, sandbox, sender, sessionId, "paid", email);
      return;
    }
    billing.completeCheckout(sessionId, email, card, () -> sandbox.retrieve(sessionId)).onSuccess(events -> {
      LOG.info("session {}: sandbox subscription checkout paid", sessionId);
      if (sender != null) {
        sender.sendBilling(events);
      }
      ctx.response().setStatusCode(303).putHeader("Location",
          session.getString("success_url").replace("{CHECKOUT_SESSION_ID}", sessionId)).end();
    }).onFailure(failure -> htmlError(ctx, failure));
  }

  private static void authenticationPage(RoutingContext ctx, StripeSandbox sandbox) {
    String sessionId = ctx.pathParam("id");
    sandbox.takeAuthentication(sessionId, false).compose(held -> sandbox.retrieve(sessionId).map(session -> {
      if (held == null || !"open".equals(session.getString("status"))) {
        ctx.response().setStatusCode(303).putHeader("Location", StripeSandbox.PREFIX + "/pay/" + sessionId).end();
      } else {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
            .end(SandboxPayPage.authenticate(session));
      }
      return session;
    })).onFailure(failure -> htmlError(ctx, failure));
  }

  private static void authenticate(RoutingContext ctx, StripeSandbox sandbox, SandboxBilling billing,
                                   SandboxWebhookSender sender) {
    String sessionId = ctx.pathParam("id");
    boolean authorized = "authorize".equals(form(ctx).get("result"));
    sandbox.takeAuthentication(sessionId, true).compose(held -> sandbox.retrieve(sessionId).map(session -> {
      if (held == null || !"open".equals(session.getString("status"))) {
        ctx.response().setStatusCode(303).putHeader("Location", StripeSandbox.PREFIX + "/pay/" + sessionId).end();
      } else if (authorized) {
        pay(ctx, sandbox, billing, sender, session, held.get(0), held.get(1));
      } else {
        declined(ctx, session, SandboxCards.AUTHENTICATION_FAILED, held.get(1));
      }
      return session;
    })).onFailure(failure -> htmlError(ctx, failure));
  }

  private static void completePayment(RoutingContext ctx, StripeSandbox sandbox, SandboxWebhookSender sender,
                                      String sessionId, String outcome, String email) {
    Future<JsonObject> completed;
    try {
      completed = sandbox.complete(sessionId, outcome, email);
    } catch (SandboxError e) {
      completed = Future.failedFuture(e);
    }
    completed.onSuccess(session -> {
      LOG.info("session {}: sandbox checkout {}", sessionId, outcome);
      if (sender != null) {
        // A declined card is modelled as Stripe's delayed-payment failure: completed unpaid, then failed.
        sender.send("checkout.session.completed", session);
        if (!"paid".equals(outcome)) {
          sender.send("checkout.session.async_payment_failed", session);
        }
      }
      String target = "paid".equals(outcome)
          ? session.getString("success_url").replace("{CHECKOUT_SESSION_ID}", sessionId)
          : session.getString("cancel_url");
      ctx.response().setStatusCode(303).putHeader("Location", target).end();
    }).onFailure(failure -> htmlError(ctx, failure));
  }

  private static void htmlError(RoutingContext ctx, Throwable failure) {
    int status = failure instanceof SandboxError known ? known.status : 503;
    String message = failure instanceof SandboxError ? failure.getMessage() : "The sandbox's store is unavailable.";
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .end(SandboxPayPage.error(message));
  }
}
