package genpay.credits;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import static genpay.config.BusReplies.answering;

/** Owns the credits ledger in Redis; answers the {@code credits.*} addresses and notices each change. */
public final class CreditsVerticle extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Settings settings;
  private Redis redis;

  public CreditsVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "credits");
    CreditsRequests requests = new CreditsRequests(new Ledger(redis, settings.shards(), Clock.systemUTC(), settings.redisTimeoutMs()),
        settings.credits());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.localConsumer(Addresses.CREDITS_GRANT, answering(noticed("grant", requests::grant))).completion(),
        bus.localConsumer(Addresses.CREDITS_FREE_GRANT, answering(noticed("free_grant", requests::freeGrant)))
            .completion(),
        bus.localConsumer(Addresses.CREDITS_SPEND, answering(noticed("usage", requests::spend))).completion(),
        bus.localConsumer(Addresses.CREDITS_REFUND, answering(noticed("refund", requests::refund))).completion(),
        bus.localConsumer(Addresses.CREDITS_EXPIRE, answering(requests::expire)).completion(),
        bus.localConsumer(Addresses.CREDITS_BALANCE, answering(requests::balance)).completion(),
        bus.localConsumer(Addresses.CREDITS_ENTRIES, answering(requests::entries)).completion(),
        bus.localConsumer(Addresses.CREDITS_USAGE_DAILY, answering(requests::usageDaily)).completion(),
        bus.localConsumer(Addresses.CREDITS_USAGE_SUMMARY, answering(requests::usageSummary)).completion(),
        bus.localConsumer(Addresses.CREDITS_USAGE_MODELS, answering(requests::usageByModel)).completion()));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }

  /** A write that applied (not a repeat) is told to whoever follows the account (the account's live stream). */
  private Function<JsonObject, Future<JsonObject>> noticed(String kind, Function<JsonObject, Future<JsonObject>> write) {
    return body -> write.apply(body).onSuccess(reply -> {
      if ("applied".equals(reply.getString("status")) && !reply.getBoolean("duplicate", false)) {
        JsonObject change = new JsonObject().put("accountId", body.getString("accountId"))
            .put("type", "grant".equals(kind) ? body.getString("type") : kind).put("balance", reply.getValue("balance"))
            .put("entryId", reply.getString("entryId"));
        vertx.eventBus().publish(Addresses.CREDITS_CHANGED, change, LOCAL);
        // The account's stream may be open on any node.
        vertx.eventBus().publish(Addresses.CREDITS_CHANGED_CLUSTER, change);
      }
    });
  }
}
