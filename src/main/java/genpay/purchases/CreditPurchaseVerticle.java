package genpay.purchases;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.mail.MailOutbox;
import genpay.redis.RedisClients;
import genpay.stripe.CreditsCheckoutCommand;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.util.List;

import static genpay.config.BusReplies.answering;

/** Serves the {@code purchases.*} addresses: buying credits through Stripe Checkout. */
public final class CreditPurchaseVerticle extends VerticleBase {

  private final Settings settings;
  private Redis redis;

  public CreditPurchaseVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "purchases");
    CreditPurchases purchases = new CreditPurchases(vertx.eventBus(),
        new PendingPurchases(redis, settings.redisTimeoutMs()), new MailOutbox(redis, settings.shards(), settings.redisTimeoutMs()),
        settings.priceCurrency());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.PURCHASES_CHECKOUT,
            answering(body -> purchases.checkout(CreditsCheckoutCommand.fromJson(body)))).completion(),
        bus.<JsonObject>localConsumer(Addresses.PURCHASES_APPLY,
            answering(body -> purchases.apply(body.getJsonObject("session")))).completion(),
        bus.<JsonObject>localConsumer(Addresses.PURCHASES_GET,
            answering(body -> purchases.find(body.getString("sessionId")))).completion(),
        bus.<JsonObject>localConsumer(Addresses.PURCHASES_SYNC,
            answering(body -> purchases.sync(body.getString("accountId"), body.getString("sessionId")))).completion()));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }
}
