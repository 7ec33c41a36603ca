package genpay.billing;

import genpay.accounts.AccountStore;
import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.BusReplies;
import genpay.credits.CreditsConfig;
import genpay.credits.Plan;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * What the billing endpoints, Stripe's events and the sweep ask of subscriptions; every change at Stripe is followed
 * by the {@link SubscriptionSync}, so the answer is the state as stored. Failures are coded: 400 bad input, 404 not
 * the account's, 409 conflicts ({@code already-subscribed}, {@code subscription-ended}), 502/503 from Stripe.
 */
public final class Subscriptions {

  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);
  public static final int CONFLICT = 409;
  /** An account with a customer but no subscription kept asks Stripe at most this often (GET subscription). */
  private static final long LOOK_AGAIN_MS = 10_000;
  private static final int INVOICES_SHOWN = 24;

  private final EventBus bus;
  private final BillingStore store;
  private final AccountStore accounts;
  private final SubscriptionSync sync;
  private final PlanPrices prices;
  private final CreditsConfig config;
  private final Clock clock;
  private final java.util.Map<String, Long> looked = new java.util.concurrent.ConcurrentHashMap<>();

  public Subscriptions(EventBus bus, BillingStore store, AccountStore accounts, SubscriptionSync sync,
                       PlanPrices prices, CreditsConfig config, Clock clock) {
    this.bus = bus;
    this.store = store;
    this.accounts = accounts;
    this.sync = sync;
    this.prices = prices;
    this.config = config;
    this.clock = clock;
  }

  /** Checkout in subscription mode for a plan and interval; 409 when a subscription is live (change plan instead). */
  public Future<JsonObject> checkout(String accountId, String email, String plan, String interval, String locale) {
    String priceId = prices.priceId(plan, interval);
    if (priceId == null) {
      return BusReplies.failure(BusFailure.BAD_REQUEST, "The " + plan + " plan is not sold " + interval + ".");
    }
    return current(accountId, 60_000).compose(billing -> {
      SubscriptionState kept = billing.subscription();
      if (kept != null && kept.status().keepsPlan()) {
        return BusReplies.<JsonObject>failure(CONFLICT, "already-subscribed: the account has the " + kept.plan()
            + " plan (" + kept.status().wire() + "); change the plan instead.");
      }
      return customer(accountId, email, billing.customerId())
          .compose(customerId -> store.locale(accountId, locale).map(customerId))
          .compose(customerId -> stripe(Addresses.STRIPE_SUBSCRIPTION_CHECKOUT_CREATE, new JsonObject()
              .put("accountId", accountId).put("customerId", customerId).put("priceId", priceId).put("plan", plan)
              .put("interval", interval).put("locale", locale).put("idempotencyKey", UUID.randomUUID().toString())))
          .map(session -> new JsonObject().put("sessionId", session.getString("id"))
              .put("url", session.getString("url")));
    });
  }

  /** {@code {plan, subscription}}, synced first when the state kept is older than {@code maxAgeMs}. */
  public Future<JsonObject> subscription(String accountId, long maxAgeMs) {
    return current(accountId, maxAgeMs).compose(billing -> answer(accountId, billing));
  }

  public Future<JsonObject> cancel(String accountId, String subscriptionId, boolean atPeriodEnd) {
    return owned(accountId, subscriptionId).compose(kept -> {
      if (kept.status().ended()) {
        return BusReplies.<JsonObject>failure(CONFLICT, "subscription-ended: the subscription has ended already.");
      }
      Future<JsonObject> change = atPeriodEnd
          ? stripe(Addresses.STRIPE_SUBSCRIPTION_UPDATE, new JsonObject().put("subscriptionId", subscriptionId)
              .put("cancelAtPeriodEnd", true))
          : stripe(Addresses.STRIPE_SUBSCRIPTION_CANCEL, new JsonObject().put("subscriptionId", subscriptionId));
      LOG.info("account {}: cancels {} {}", accountId, subscriptionId, atPeriodEnd ? "at the period's end" : "now");
      return change.compose(changed -> synced(accountId, subscriptionId));
    });
  }

  /** A dearer plan is invoiced now ({@code always_invoice}); a cheaper one prorates into the next invoice. */
  public Future<JsonObject> changePlan(String accountId, String subscriptionId, String newPlan, String interval) {
    return owned(accountId, subscriptionId).compose(kept -> {
      String to = interval == null ? kept.interval() : interval;
      String priceId = prices.priceId(newPlan, to);
      if (priceId == null) {
        return BusReplies.<JsonObject>failure(BusFailure.BAD_REQUEST, "The " + newPlan + " plan is not sold " + to + ".");
      }
      if (!kept.status().keepsPlan()) {
        return BusReplies.<JsonObject>failure(CONFLICT, "subscription-ended: the subscription is "
            + kept.status().wire() + "; subscribe again instead.");
      }
      if (priceId.equals(kept.priceId())) {
        return BusReplies.<JsonObject>failure(BusFailure.BAD_REQUEST, "The subscription is on the " + newPlan + " plan, "
            + to + ", already.");
      }
      String proration = dearer(kept, newPlan, to) ? "always_invoice" : "create_prorations";
      LOG.info("account {}: {} from {} {} to {} {} ({})", accountId, subscriptionId, kept.plan(), kept.interval(),
          newPlan, to, proration);
      return stripe(Addresses.STRIPE_SUBSCRIPTION_UPDATE, new JsonObject().put("subscriptionId", subscriptionId)
          .put("itemId", kept.itemId()).put("priceId", priceId).put("prorationBehavior", proration))
          .compose(changed -> synced(accountId, subscriptionId));
    });
  }

  public Future<JsonObject> portal(String accountId, String email, String returnUrl) {
    return store.billing(accountId).compose(billing -> customer(accountId, email, billing.customerId()))
        .compose(customerId -> stripe(Addresses.STRIPE_BILLING_PORTAL_CREATE,
            new JsonObject().put("customer", customerId).put("returnUrl", returnUrl)))
        .map(session -> new JsonObject().put("url", session.getString("url")));
  }

  public Future<JsonObject> paymentMethods(String accountId) {
    return store.billing(accountId).compose(billing -> {
      if (billing.customerId() == null) {
        return Future.succeededFuture(new JsonObject().put("items", new JsonArray()));
      }
      Future<JsonObject> customer = stripe(Addresses.STRIPE_CUSTOMER_RETRIEVE,
          new JsonObject().put("customerId", billing.customerId()));
      Future<JsonObject> cards = stripe(Addresses.STRIPE_PAYMENT_METHODS_LIST,
          new JsonObject().put("customerId", billing.customerId()));
      return Future.all(customer, cards).map(both -> {
        JsonObject settings = customer.result().getValue("invoice_settings") instanceof JsonObject s ? s : new JsonObject();
        String defaultCard = id(settings.getValue("default_payment_method"));
        JsonArray items = new JsonArray();
        for (Object item : cards.result().getJsonArray("data", new JsonArray())) {
          JsonObject method = (JsonObject) item;
          JsonObject card = method.getJsonObject("card", new JsonObject());
          items.add(new JsonObject().put("id", method.getString("id")).put("brand", card.getString("brand"))
              .put("last4", card.getString("last4")).put("expMonth", card.getValue("exp_month"))
              .put("expYear", card.getValue("exp_year")).put("default", method.getString("id").equals(defaultCard)));
        }
        return new JsonObject().put("items", items);
      });
    });
  }

  public Future<JsonObject> invoices(String accountId) {
    return store.billing(accountId).compose(billing -> {
      if (billing.customerId() == null) {
        return Future.succeededFuture(new JsonObject().put("items", new JsonArray()));
      }
      return stripe(Addresses.STRIPE_INVOICES_LIST, new JsonObject().put("customer", billing.customerId())
          .put("limit", INVOICES_SHOWN)).map(list -> {
            JsonArray items = new JsonArray();
            for (Object item : list.getJsonArray("data", new JsonArray())) {
              JsonObject invoice = (JsonObject) item;
              items.add(new JsonObject().put("id", invoice.getString("id")).put("number", invoice.getValue("number"))
                  .put("status", invoice.getValue("status")).put("billingReason", invoice.getValue("billing_reason"))
                  .put("amountDue", invoice.getValue("amount_due")).put("amountPaid", invoice.getValue("amount_paid"))
                  .put("currency", invoice.getValue("currency")).put("created", iso(invoice.getValue("created")))
                  .put("periodStart", iso(invoice.getValue("period_start")))
                  .put("periodEnd", iso(invoice.getValue("period_end")))
                  .put("hostedInvoiceUrl", invoice.getValue("hosted_invoice_url")));
            }
            return new JsonObject().put("items", items);
          });
    });
  }

  /** A verified event billing handles: syncs what it names. */
  public Future<JsonObject> event(String type, JsonObject object) {
    BillingEvents.Target target = BillingEvents.target(type, object);
    if (target.subscriptionId() != null) {
      return sync.sync(target.subscriptionId());
    }
    if (target.customerId() != null) {
      return store.accountOfCustomer(target.customerId()).compose(accountId -> accountId == null
          ? ignored("not-ours") : syncAccount(accountId));
    }
    if (target.testClockId() != null) {
      return store.accountsOnClock(target.testClockId()).compose(accountIds -> {
        Future<Integer> all = Future.succeededFuture(0);
        for (String accountId : accountIds) {
          all = all.compose(count -> syncAccount(accountId).map(done -> count + 1));
        }
        return all.map(count -> new JsonObject().put("outcome", "synced").put("accounts", count));
      });
    }
    return ignored("no-subscription");
  }

  /** Syncs every subscribed account not synced since {@code olderThanMs}, one at a time. */
  public Future<JsonObject> sweep(long olderThanMs, int limit) {
    return store.syncedBefore(clock.millis() - olderThanMs, limit).compose(accountIds -> {
      Future<Integer> all = Future.succeededFuture(0);
      for (String accountId : accountIds) {
        all = all.compose(count -> syncAccount(accountId)
            .map(done -> count + 1)
            .otherwise(failure -> {
              LOG.warn("account {}: subscription not synced by the sweep: {}", accountId, failure.getMessage());
              return count;
            }));
      }
      return all.map(count -> new JsonObject().put("synced", count));
    });
  }

  /** What the payment-failed mail of {@code invoiceId} says; 404 when the invoice is no account's of this engine. */
  public Future<JsonObject> paymentFailedMail(String invoiceId) {
    return stripe(Addresses.STRIPE_INVOICE_RETRIEVE, new JsonObject().put("invoiceId", invoiceId))
        .compose(invoice -> store.accountOfCustomer(id(invoice.getValue("customer"))).compose(accountId -> {
          if (accountId == null) {
            return BusReplies.<JsonObject>failure(BusFailure.NOT_FOUND, "No account of this invoice.");
          }
          return Future.all(accounts.account(accountId), store.billing(accountId)).compose(both -> {
            genpay.accounts.Account account = both.resultAt(0);
            BillingStore.Billing billing = both.resultAt(1);
            if (account == null) {
              return BusReplies.<JsonObject>failure(BusFailure.NOT_FOUND, "The account is gone.");
            }
            String plan = billing.subscription() == null ? null : billing.subscription().plan();
            return Future.succeededFuture(new JsonObject().put("invoiceId", invoiceId).put("accountId", accountId)
                .put("email", account.email()).put("locale", billing.locale()).put("plan", plan)
                .put("amountDue", invoice.getValue("amount_due")).put("currency", invoice.getValue("currency"))
                .put("attemptCount", invoice.getValue("attempt_count"))
                .put("nextPaymentAttempt", invoice.getValue("next_payment_attempt"))
                .put("hostedInvoiceUrl", invoice.getValue("hosted_invoice_url")));
          });
        }));
  }

  /** Syncs the subscription the account keeps; with none kept but a customer, the newest of its invoices names one. */
  private Future<JsonObject> syncAccount(String accountId) {
    return store.billing(accountId).compose(billing -> {
      if (billing.subscription() != null) {
        return sync.sync(billing.subscription().subscriptionId());
      }
      return newestSubscription(billing.customerId())
          .compose(subscriptionId -> subscriptionId == null ? ignored("no-subscription") : sync.sync(subscriptionId));
    });
  }

  private Future<String> newestSubscription(String customerId) {
    if (customerId == null) {
      return Future.succeededFuture(null);
    }
    return stripe(Addresses.STRIPE_INVOICES_LIST, new JsonObject().put("customer", customerId).put("limit", 1))
        .map(list -> {
          JsonArray data = list.getJsonArray("data", new JsonArray());
          return data.isEmpty() ? null : BillingEvents.invoiceSubscription(data.getJsonObject(0));
        });
  }

  /** The billing hash, synced first when its subscription was last retrieved more than {@code maxAgeMs} ago. */
  private Future<BillingStore.Billing> current(String accountId, long maxAgeMs) {
    return store.billing(accountId).compose(billing -> {
      SubscriptionState kept = billing.subscription();
      long now = clock.millis();
      boolean old = kept != null && now - kept.syncedAt() > maxAgeMs;
      boolean unseen = kept == null && billing.customerId() != null
          && now - looked.getOrDefault(accountId, 0L) > LOOK_AGAIN_MS;
      if (!old && !unseen) {
        return Future.succeededFuture(billing);
      }
      if (unseen) {
        // Entries past the wait say nothing any more: dropping them keeps the map to the last few seconds.
        looked.values().removeIf(at -> now - at > LOOK_AGAIN_MS);
        looked.put(accountId, now);
      }
      return syncAccount(accountId)
          .recover(failure -> {
            LOG.info("account {}: subscription not synced ({}), answering the state kept", accountId,
                failure.getMessage());
            return Future.succeededFuture();
          })
          .compose(done -> store.billing(accountId));
    });
  }

  /** The account's subscription of this id, as kept; 404 for any other's or an unknown id. */
  private Future<SubscriptionState> owned(String accountId, String subscriptionId) {
    return store.billing(accountId).compose(billing -> {
      SubscriptionState kept = billing.subscription();
      if (kept == null || !kept.subscriptionId().equals(subscriptionId)) {
        return BusReplies.failure(BusFailure.NOT_FOUND, "The account has no subscription " + subscriptionId + ".");
      }
      return Future.succeededFuture(kept);
    });
  }

  private Future<JsonObject> synced(String accountId, String subscriptionId) {
    return sync.sync(subscriptionId).compose(done -> store.billing(accountId))
        .compose(billing -> answer(accountId, billing));
  }

  private Future<JsonObject> answer(String accountId, BillingStore.Billing billing) {
    return accounts.account(accountId).map(account -> new JsonObject()
        .put("plan", account == null ? SubscriptionMachine.FREE : account.plan())
        .put("subscription", billing.subscription() == null ? null : billing.subscription().toJson()));
  }

  /** The account's customer, made on first need (the same one however many ask at once: Idempotency-Key). */
  private Future<String> customer(String accountId, String email, String known) {
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return stripe(Addresses.STRIPE_CUSTOMER_CREATE, new JsonObject().put("accountId", accountId).put("email", email))
        .compose(customer -> store.linkCustomer(accountId, customer.getString("id")));
  }

  private boolean dearer(SubscriptionState kept, String newPlan, String interval) {
    Plan from = kept.plan() == null ? null : config.plan(kept.plan());
    Plan to = config.plan(newPlan);
    if (from == null) {
      return true;
    }
    if (to.monthlyCredits() != from.monthlyCredits()) {
      return to.monthlyCredits() > from.monthlyCredits();
    }
    // The same plan at another interval: Stripe starts a new cycle and invoices it now either way.
    return !interval.equals(kept.interval());
  }

  private Future<JsonObject> stripe(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, STRIPE_CALL).map(reply -> reply.body());
  }

  private static Future<JsonObject> ignored(String why) {
    return Future.succeededFuture(new JsonObject().put("outcome", why));
  }

  private static String id(Object value) {
    if (value instanceof JsonObject expanded) {
      value = expanded.getValue("id");
    }
    return value instanceof String text && !text.isEmpty() ? text : null;
  }

  private static String iso(Object epochSeconds) {
    return epochSeconds instanceof Number n ? Instant.ofEpochSecond(n.longValue()).toString() : null;
  }
}
