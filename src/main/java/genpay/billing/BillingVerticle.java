package genpay.billing;

import genpay.accounts.AccountStore;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.mail.MailOutbox;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import static genpay.config.BusReplies.answering;

/** Serves the {@code billing.*} addresses (subscriptions) and sweeps subscribed accounts now and then. */
public final class BillingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BillingVerticle.class);
  /** A subscription nothing has synced for this long is asked about by the sweep. */
  static final long SWEEP_AFTER_MS = 3_600_000;
  private static final int SWEEP_LIMIT = 100;

  private final Settings settings;
  private Redis redis;
  private Subscriptions subscriptions;
  private boolean sweeping;

  public BillingVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "billing");
    Clock clock = Clock.systemUTC();
    long timeout = settings.redisTimeoutMs();
    BillingStore store = new BillingStore(redis, settings.shards(), timeout);
    AccountStore accounts = new AccountStore(redis, settings.shards(), clock, timeout);
    PlanPrices prices = new PlanPrices(settings.credits(), settings.stripeSandbox());
    SubscriptionSync sync = new SubscriptionSync(vertx.eventBus(), store, accounts,
        new MailOutbox(redis, settings.shards(), timeout), prices, settings.credits(), clock);
    subscriptions = new Subscriptions(vertx.eventBus(), store, accounts, sync, prices, settings.credits(), clock);
    vertx.setPeriodic(settings.reconcileIntervalSeconds() * 1000L, id -> sweep(SWEEP_AFTER_MS));
    return Future.all(List.of(
        serve(Addresses.BILLING_CHECKOUT, body -> subscriptions.checkout(body.getString("accountId"),
            body.getString("email"), body.getString("plan"), body.getString("interval"), body.getString("locale"))),
        serve(Addresses.BILLING_SUBSCRIPTION, body -> subscriptions.subscription(body.getString("accountId"),
            body.getLong("maxAgeMs", Long.MAX_VALUE))),
        serve(Addresses.BILLING_CANCEL, body -> subscriptions.cancel(body.getString("accountId"),
            body.getString("subscriptionId"), body.getBoolean("atPeriodEnd", true))),
        serve(Addresses.BILLING_CHANGE_PLAN, body -> subscriptions.changePlan(body.getString("accountId"),
            body.getString("subscriptionId"), body.getString("newPlan"), body.getString("interval"))),
        serve(Addresses.BILLING_PORTAL, body -> subscriptions.portal(body.getString("accountId"),
            body.getString("email"), body.getString("returnUrl"))),
        serve(Addresses.BILLING_PAYMENT_METHODS, body -> subscriptions.paymentMethods(body.getString("accountId"))),
        serve(Addresses.BILLING_INVOICES, body -> subscriptions.invoices(body.getString("accountId"))),
        serve(Addresses.BILLING_EVENT, body -> subscriptions.event(body.getString("type"), body.getJsonObject("object"))),
        serve(Addresses.BILLING_SYNC, body -> sync.sync(body.getString("subscriptionId"))),
        serve(Addresses.BILLING_SWEEP, body -> sweep(body.getLong("olderThanMs", SWEEP_AFTER_MS))),
        serve(Addresses.BILLING_PAYMENT_FAILED_MAIL, body -> subscriptions.paymentFailedMail(body.getString("invoiceId")))));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }

  /** One sweep at a time on this node; every node sweeps, and the syncs they repeat change nothing. */
  private Future<JsonObject> sweep(long olderThanMs) {
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("synced", 0).put("busy", true));
    }
    sweeping = true;
    return subscriptions.sweep(olderThanMs, SWEEP_LIMIT)
        .onSuccess(done -> {
          if (done.getInteger("synced", 0) > 0) {
            LOG.info("billing sweep: synced {} subscription(s) with Stripe", done.getInteger("synced"));
          }
        })
        .onFailure(failure -> LOG.warn("billing sweep failed: {}", failure.getMessage()))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>localConsumer(address, answering(handler)).completion();
  }
}
