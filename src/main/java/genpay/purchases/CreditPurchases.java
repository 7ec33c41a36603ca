package genpay.purchases;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.BusReplies;
import genpay.credits.Credits;
import genpay.mail.MailOutbox;
import genpay.stripe.CreditsCheckoutCommand;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buying credits: opens the Checkout Session and remembers the purchase, then grants it once Stripe says it is
 * paid. {@link #apply} is the one sync function, keyed by the session id: the webhook and the credits page's
 * sync both call it, and the ledger's dedup on (type, source id) makes however many calls grant once.
 */
public final class CreditPurchases {

  private static final Logger LOG = LoggerFactory.getLogger(CreditPurchases.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);
  private static final DeliveryOptions LEDGER = new DeliveryOptions().setSendTimeout(10_000);

  private final EventBus bus;
  private final PendingPurchases pending;
  private final MailOutbox outbox;
  private final String currency;

  public CreditPurchases(EventBus bus, PendingPurchases pending, MailOutbox outbox, String currency) {
    this.bus = bus;
    this.pending = pending;
    this.outbox = outbox;
    this.currency = currency;
  }

  /** Opens the session at Stripe, then remembers it; a session that could not be remembered is expired. */
  public Future<JsonObject> checkout(CreditsCheckoutCommand command) {
    return bus.<JsonObject>request(Addresses.STRIPE_CREDITS_CHECKOUT_CREATE, command.toJson(), STRIPE_CALL)
        .map(reply -> reply.body())
        .compose(created -> {
          String sessionId = created.getString("sessionId");
          return pending.remember(new PendingPurchases.Purchase(sessionId, command.accountId(), command.packageId(),
                  command.credits(), command.bonus(), command.priceCents(), currency, command.email(),
                  command.locale()))
              .map(stored -> new JsonObject().put("sessionId", sessionId).put("url", created.getString("url")))
              .recover(failure -> {
                // Nobody may pay for a purchase the grant could not find: close it at Stripe.
                LOG.warn("purchase {}: not stored, expiring it at Stripe", sessionId);
                bus.request(Addresses.STRIPE_CHECKOUT_EXPIRE, new JsonObject().put("sessionId", sessionId), STRIPE_CALL)
                    .onFailure(expire -> LOG.warn("purchase {}: could not expire: {}", sessionId, expire.getMessage()));
                return Future.failedFuture(failure);
              });
        });
  }

  /**
   * Applies a Checkout Session as Stripe gives it (raw JSON): grants the purchase and its bonus when it is paid
   * and is the account's the engine remembered. Replies {@code {outcome, balance?}}.
   */
  public Future<JsonObject> apply(JsonObject session) {
    String sessionId = session.getString("id");
    return pending.find(sessionId).compose(purchase -> {
      if (purchase == null) {
        return outcome("unknown");
      }
      String mismatch = mismatch(purchase, session);
      if (mismatch != null) {
        LOG.warn("purchase {}: not granted, {}", sessionId, mismatch);
        return outcome("mismatch");
      }
      if (!"paid".equals(session.getString("payment_status"))) {
        return outcome("waiting");
      }
      String payer = payerEmail(session);
      Future<Void> noted = payer == null || payer.equals(purchase.email()) ? Future.succeededFuture()
          : pending.payer(sessionId, payer);
      // The e-mail is queued after the grant, on every call: the outbox sends each cause once, and a crash
      // between grant and queue is made good by the next webhook or sync.
      return noted.compose(done -> grant(purchase))
          .compose(granted -> outbox.enqueue(MailOutbox.CREDITS_BOUGHT + sessionId, System.currentTimeMillis())
              .map(queued -> granted));
    });
  }

  /** The purchase as remembered, for its e-mail; 404 when there is none. */
  public Future<JsonObject> find(String sessionId) {
    return pending.find(sessionId).compose(purchase -> purchase == null
        ? BusReplies.failure(BusFailure.NOT_FOUND, "No credits purchase " + sessionId + ".")
        : Future.succeededFuture(purchase.toJson()));
  }

  private static String payerEmail(JsonObject session) {
    Object details = session.getValue("customer_details");
    Object email = details instanceof JsonObject json ? json.getValue("email") : null;
    return email instanceof String text && !text.isBlank() ? text.trim() : null;
  }

  /** Asks Stripe about one of the account's purchases and applies it; 404 for another account's or none. */
  public Future<JsonObject> sync(String accountId, String sessionId) {
    return pending.find(sessionId).compose(purchase -> {
      if (purchase == null || !purchase.accountId().equals(accountId)) {
        return BusReplies.failure(BusFailure.NOT_FOUND, "No credits purchase " + sessionId + " of this account.");
      }
      return bus.<JsonObject>request(Addresses.STRIPE_CHECKOUT_RETRIEVE, new JsonObject().put("sessionId", sessionId),
              STRIPE_CALL)
          .compose(reply -> apply(reply.body()));
    });
  }

  /** Why the session is not the purchase remembered under its id, or null when it is. */
  static String mismatch(PendingPurchases.Purchase purchase, JsonObject session) {
    if (!purchase.accountId().equals(session.getString("client_reference_id"))) {
      return "the session's client_reference_id is not the buyer's account";
    }
    JsonObject metadata = session.getValue("metadata") instanceof JsonObject json ? json : new JsonObject();
    if (!CreditsCheckoutCommand.KIND.equals(metadata.getString("kind"))
        || !purchase.accountId().equals(metadata.getString("account_id"))) {
      return "the session's metadata is not this purchase's";
    }
    Object total = session.getValue("amount_total");
    if (!(total instanceof Number number) || number.longValue() != purchase.priceCents()) {
      return "amount_total " + total + " is not the price " + purchase.priceCents();
    }
    return null;
  }

  private Future<JsonObject> grant(PendingPurchases.Purchase purchase) {
    String sessionId = purchase.sessionId();
    String what = purchase.packageId() == null ? "custom amount" : "package " + purchase.packageId();
    return write(purchase, "purchase", purchase.credits(), Credits.format(purchase.credits()) + " credits, " + what)
        .compose(bought -> purchase.bonus() <= 0 ? Future.succeededFuture(bought)
            : write(purchase, "bonus", purchase.bonus(), "bonus of " + what).map(bonus -> {
              // Granted if either write applied now: a crash between the two is finished by the next call.
              boolean fresh = !bought.getBoolean("duplicate", false) || !bonus.getBoolean("duplicate", false);
              return bonus.copy().put("duplicate", !fresh);
            }))
        .map(last -> {
          boolean fresh = !last.getBoolean("duplicate", false);
          if (fresh) {
            LOG.info("purchase {}: {} granted to {}", sessionId, what, purchase.accountId());
          }
          return new JsonObject().put("outcome", fresh ? "granted" : "already-granted")
              .put("balance", last.getValue("balance"));
        });
  }

  private Future<JsonObject> write(PendingPurchases.Purchase purchase, String type, long hundredths,
                                   String description) {
    JsonObject grant = new JsonObject().put("accountId", purchase.accountId()).put("type", type)
        .put("amount", Credits.toJson(hundredths)).put("sourceId", purchase.sessionId())
        .put("description", description);
    return bus.<JsonObject>request(Addresses.CREDITS_GRANT, grant, LEDGER).map(reply -> reply.body());
  }

  private static Future<JsonObject> outcome(String outcome) {
    return Future.succeededFuture(new JsonObject().put("outcome", outcome));
  }
}
