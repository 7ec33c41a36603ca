package genpay.billing;

import genpay.accounts.AccountStore;
import genpay.config.Addresses;
import genpay.config.BusReplies;
import genpay.credits.Credits;
import genpay.credits.CreditsConfig;
import genpay.mail.MailOutbox;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one function that applies what Stripe says of a subscription. Every subscription, invoice and (subscription
 * mode) checkout event, a test clock's ready event, the sweep and the API's own changes call it; arrival order never
 * matters, since it reads the subscription (and its paid invoices) from Stripe each time:
 * <ol>
 *   <li>retrieve the subscription, and its test clock's frozen_time (Stripe's now for it) when it has one;
 *   <li>list its recent paid invoices;
 *   <li>store the state, unless a retrieve that began later already did (one script);
 *   <li>perform what {@link SubscriptionMachine} says: the account's plan, the payment-failed mail;
 *   <li>grant each paid invoice's credits due now ({@link InvoiceGrants}); the ledger grants each source once.
 * </ol>
 */
public final class SubscriptionSync {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionSync.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);
  private static final DeliveryOptions LEDGER = new DeliveryOptions().setSendTimeout(10_000);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  static final int PAID_INVOICES = 10;

  private final EventBus bus;
  private final BillingStore store;
  private final AccountStore accounts;
  private final MailOutbox outbox;
  private final PlanPrices prices;
  private final CreditsConfig config;
  private final Clock clock;

  public SubscriptionSync(EventBus bus, BillingStore store, AccountStore accounts, MailOutbox outbox,
                          PlanPrices prices, CreditsConfig config, Clock clock) {
    this.bus = bus;
    this.store = store;
    this.accounts = accounts;
    this.outbox = outbox;
    this.prices = prices;
    this.config = config;
    this.clock = clock;
  }

  /**
   * {@code {outcome: applied|stale|other|unknown-subscription|not-ours, accountId?, subscription?, granted}}.
   * Fails (so a webhook answers 503 and Stripe retries) when Stripe or Redis could not be reached.
   */
  public Future<JsonObject> sync(String subscriptionId) {
    long began = clock.millis();
    return stripe(Addresses.STRIPE_SUBSCRIPTION_RETRIEVE, new JsonObject().put("subscriptionId", subscriptionId))
        .compose(subscription -> accountOf(subscription).compose(accountId -> {
          if (accountId == null) {
            LOG.info("subscription {}: no account of this engine's, ignored", subscriptionId);
            return Future.succeededFuture(new JsonObject().put("outcome", "not-ours").put("granted", 0));
          }
          SubscriptionState observed = SubscriptionState.fromStripe(subscription, prices, began);
          return stripeNow(observed).compose(now -> paidInvoices(subscriptionId).compose(invoices ->
              store.store(accountId, observed).compose(stored -> perform(accountId, stored, observed))
                  .compose(outcome -> grant(accountId, invoices, now).map(granted -> {
                    JsonObject result = new JsonObject().put("outcome", outcome).put("accountId", accountId)
                        .put("subscription", observed.toJson()).put("granted", granted);
                    if ("applied".equals(outcome) || granted > 0) {
                      notice(accountId, observed, granted);
                    }
                    return result;
                  }))));
        }), failure -> BusReplies.isNotFound(failure)
            ? Future.succeededFuture(new JsonObject().put("outcome", "unknown-subscription").put("granted", 0))
            : Future.failedFuture(failure));
  }

  /** The account the engine made the customer for; else the subscription's metadata.account_id, if that account exists. */
  private Future<String> accountOf(JsonObject subscription) {
    Object customer = subscription.getValue("customer");
    String customerId = customer instanceof JsonObject expanded ? expanded.getString("id")
        : customer instanceof String id ? id : null;
    Future<String> byCustomer = customerId == null ? Future.succeededFuture(null) : store.accountOfCustomer(customerId);
    return byCustomer.compose(accountId -> {
      if (accountId != null) {
        return Future.succeededFuture(accountId);
      }
      String claimed = subscription.getValue("metadata") instanceof JsonObject metadata
          ? metadata.getString("account_id") : null;
      if (claimed == null || !claimed.matches("^[A-Za-z0-9_-]{1,64}$")) {
        return Future.succeededFuture(null);
      }
      return accounts.account(claimed).map(account -> account == null ? null : account.id());
    });
  }

  /** Stripe's now for this subscription: its test clock's frozen time, else the real now. */
  private Future<Instant> stripeNow(SubscriptionState state) {
    if (state.testClock() == null) {
      return Future.succeededFuture(clock.instant());
    }
    return stripe(Addresses.STRIPE_TEST_CLOCK_RETRIEVE, new JsonObject().put("testClockId", state.testClock()))
        .map(testClock -> testClock.getValue("frozen_time") instanceof Number frozen
            ? Instant.ofEpochSecond(frozen.longValue()) : clock.instant());
  }

  private Future<List<JsonObject>> paidInvoices(String subscriptionId) {
    return stripe(Addresses.STRIPE_INVOICES_LIST, new JsonObject().put("subscription", subscriptionId)
        .put("status", "paid").put("limit", PAID_INVOICES))
        .map(list -> {
          List<JsonObject> invoices = new ArrayList<>();
          JsonArray data = list.getJsonArray("data", new JsonArray());
          // Newest first from Stripe; granted oldest first, so the ledger reads in time order.
          for (int i = data.size() - 1; i >= 0; i--) {
            if (data.getValue(i) instanceof JsonObject invoice) {
              invoices.add(invoice);
            }
          }
          return invoices;
        });
  }

  /** Performs the machine's actions when the state was stored; answers the store's outcome. */
  private Future<String> perform(String accountId, BillingStore.Stored stored, SubscriptionState observed) {
    if (!stored.applied()) {
      LOG.debug("subscription {}: {} retrieve, nothing to do", observed.subscriptionId(), stored.outcome());
      return Future.succeededFuture(stored.outcome());
    }
    SubscriptionMachine.Step step = SubscriptionMachine.next(stored.previous(), observed);
    if (step.entered()) {
      LOG.info("account {}: subscription {} is {} ({})", accountId, observed.subscriptionId(),
          observed.status().wire(), observed.plan());
    }
    Future<Void> done = Future.succeededFuture();
    for (SubscriptionMachine.Action action : step.actions()) {
      done = done.compose(previous -> {
        if (action instanceof SubscriptionMachine.SetPlan plan) {
          return accounts.setPlan(accountId, plan.plan(), plan.syncedAt()).mapEmpty();
        }
        SubscriptionMachine.MailPaymentFailed mail = (SubscriptionMachine.MailPaymentFailed) action;
        return outbox.enqueue(MailOutbox.SUBSCRIPTION_PAYMENT_FAILED + mail.invoiceId(), clock.millis()).mapEmpty();
      });
    }
    return done.map(stored.outcome());
  }

  /** Grants what each paid invoice owes now, one after the other; answers how many were new. */
  private Future<Integer> grant(String accountId, List<JsonObject> invoices, Instant now) {
    List<InvoiceGrants.Grant> due = new ArrayList<>();
    invoices.forEach(invoice -> due.addAll(InvoiceGrants.due(invoice, prices, config, now)));
    Future<Integer> count = Future.succeededFuture(0);
    for (InvoiceGrants.Grant grant : due) {
      JsonObject command = new JsonObject().put("accountId", accountId).put("type", "subscription_grant")
          .put("amount", Credits.toJson(grant.amount())).put("sourceId", grant.sourceId())
          .put("expiresAt", grant.expiresAt().toString()).put("at", grant.at().toString())
          .put("description", grant.description());
      count = count.compose(sum -> bus.<JsonObject>request(Addresses.CREDITS_GRANT, command, LEDGER).map(reply -> {
        JsonObject result = reply.body();
        boolean fresh = "applied".equals(result.getString("status")) && !result.getBoolean("duplicate", false);
        if (fresh) {
          LOG.info("account {}: {} credits granted for {}", accountId, Credits.format(grant.amount()),
              grant.sourceId());
        }
        return fresh ? sum + 1 : sum;
      }));
    }
    return count;
  }

  /** Tells this node (tests, pages) and the account's live streams, wherever they are open. */
  private void notice(String accountId, SubscriptionState state, int granted) {
    bus.publish(Addresses.BILLING_CHANGED, new JsonObject().put("accountId", accountId)
        .put("subscriptionId", state.subscriptionId()).put("status", state.status().wire()).put("plan", state.plan())
        .put("cancelAtPeriodEnd", state.cancelAtPeriodEnd()).put("granted", granted), LOCAL);
    bus.publish(Addresses.CREDITS_CHANGED_CLUSTER, new JsonObject().put("accountId", accountId)
        .put("type", "subscription"));
  }

  private Future<JsonObject> stripe(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, STRIPE_CALL).map(reply -> reply.body());
  }
}
