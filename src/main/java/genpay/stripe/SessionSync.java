package genpay.stripe;

import genpay.config.Addresses;
import genpay.config.BusReplies;
import genpay.sessions.Payment;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The one function that applies what Stripe says of a Checkout Session. The webhook, a browser watching a
 * pending order and the sweep of old pending orders all come through here; the session store's Lua
 * scripts make the move happen once, whoever gets there first.
 */
public final class SessionSync {

  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);

  private final EventBus bus;

  public SessionSync(EventBus bus) {
    this.bus = bus;
  }

  /** Replies {@code {outcome: changed|unchanged|duplicate|none, session?}}; fails NOT_FOUND for an unknown order. */
  public Future<JsonObject> apply(String sessionId, SessionAction action, String eventId, Payment payment) {
    return apply(sessionId, action, eventId, null, payment);
  }

  /** The same for a webhook's event, whose id and type the order's list of applied events keeps. */
  public Future<JsonObject> apply(String sessionId, SessionAction action, String eventId, String eventType,
                                  Payment payment) {
    if (action == SessionAction.NONE) {
      return Future.succeededFuture(new JsonObject().put("outcome", "none"));
    }
    JsonObject command = new JsonObject().put("sessionId", sessionId).put("action", action.command)
        .put("payment", payment.toJson());
    if (eventId != null) {
      command.put("eventId", eventId);
    }
    if (eventType != null) {
      command.put("eventType", eventType);
    }
    return bus.<JsonObject>request(Addresses.SESSIONS_APPLY, command).map(Message::body);
  }

  /** Asks Stripe (on the gateway's worker) and applies the answer; a session Stripe does not know has expired. */
  public Future<JsonObject> reconcile(String sessionId) {
    return bus.<JsonObject>request(Addresses.STRIPE_CHECKOUT_RETRIEVE, new JsonObject().put("sessionId", sessionId),
            STRIPE_CALL)
        .compose(reply -> apply(sessionId, SessionAction.fromSession(reply.body()), null,
                Payment.fromCheckoutSession(reply.body())),
            failure -> BusReplies.isNotFound(failure)
                ? apply(sessionId, SessionAction.EXPIRED, null, Payment.UNKNOWN)
                : Future.failedFuture(failure));
  }
}
