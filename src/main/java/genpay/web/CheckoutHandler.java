package genpay.web;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.sessions.Order;
import genpay.stripe.CheckoutCommand;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * POST /api/create-checkout: validate, count against the client's rate limit, open the Checkout Session at
 * Stripe, store the whole order under its id.
 */
public final class CheckoutHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutHandler.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);

  private final Settings settings;
  private final EventBus bus;
  private final ClientIp clientIp;
  private final CheckoutRateLimiter rateLimiter;

  public CheckoutHandler(Settings settings, EventBus bus, CheckoutRateLimiter rateLimiter) {
    this.settings = settings;
    this.bus = bus;
    this.clientIp = new ClientIp(settings.trustedProxies());
    this.rateLimiter = rateLimiter;
  }

  @Override
  public void handle(RoutingContext ctx) {
    CheckoutRequest request;
    try {
      request = CheckoutRequest.parse(ctx.body().buffer(), settings);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    // Bad input was refused above without counting; what is counted must come before any Stripe call.
    String client = clientIp.resolve(ctx.request().remoteAddress().hostAddress(),
        ctx.request().headers().getAll("X-Forwarded-For"));
    rateLimiter.check(client).onSuccess(decision -> {
      if (decision.allowed()) {
        checkout(ctx, request);
      } else {
        ctx.response().putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
        Problems.send(ctx, Problems.problem(429, "rate-limited", "Too many requests",
            "At most " + rateLimiter.limit() + " checkouts a minute from one address; try again in "
                + decision.retryAfterSeconds() + " s."));
      }
    });
  }

  private void checkout(RoutingContext ctx, CheckoutRequest request) {
    CheckoutCommand command = new CheckoutCommand(request.priceId(), request.quantity(), request.toolSlug(),
        request.locale(), UUID.randomUUID().toString());
    bus.<JsonObject>request(Addresses.STRIPE_CHECKOUT_CREATE, command.toJson(), STRIPE_CALL)
        .map(reply -> reply.body())
        .compose(checkout -> store(request, checkout))
        .onSuccess(checkout -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("sessionId", checkout.getString("sessionId"))
                .put("url", checkout.getString("url")).encode()))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private Future<JsonObject> store(CheckoutRequest request, JsonObject checkout) {
    String sessionId = checkout.getString("sessionId");
    Order order = new Order(sessionId, request.prompt(), request.quantity(), request.toolSlug(),
        request.toolTitle(), request.locale(), checkout.getLong("amountTotal", 0L),
        checkout.getString("currency", settings.priceCurrency()));
    return bus.request(Addresses.SESSIONS_CREATE, order.toJson())
        .map(stored -> checkout)
        .recover(failure -> {
          // Nobody can pay a session we could not store: close it at Stripe rather than leave it open.
          LOG.warn("session {}: not stored, expiring it at Stripe", sessionId);
          bus.request(Addresses.STRIPE_CHECKOUT_EXPIRE, new JsonObject().put("sessionId", sessionId), STRIPE_CALL)
              .onFailure(expireFailure -> LOG.warn("session {}: could not expire: {}", sessionId,
                  expireFailure.getMessage()));
          return Future.failedFuture(failure);
        });
  }
}
