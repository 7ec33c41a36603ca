package genpay.requests;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static genpay.config.BusReplies.answering;

/** Serves the {@code requests.*} addresses and runs the refund sweep of failed paid requests. */
public final class RequestsVerticle extends VerticleBase {

  /** A page watching a request awaiting payment asks Stripe at most this often per request and node. */
  private static final long SYNC_INTERVAL_MS = 5_000;

  private final Settings settings;
  private final boolean allowPrivateSites;
  private final Map<String, Long> lastSync = new ConcurrentHashMap<>();
  private Redis redis;
  private boolean sweeping;

  public RequestsVerticle(Settings settings) {
    this.settings = settings;
    this.allowPrivateSites = Hostnames.allowPrivate(settings);
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "requests");
    RequestStore store = new RequestStore(redis, settings.shards(), Clock.systemUTC(), settings.redisTimeoutMs());
    GenerationRequests requests = new GenerationRequests(vertx.eventBus(), store, allowPrivateSites,
        settings.providers().providers().keySet());
    long leaseMs = settings.refundRetrySeconds() * 1000L;
    RequestRefunds refunds = new RequestRefunds(vertx.eventBus(), store, requests, leaseMs);
    vertx.setPeriodic(Math.max(500, leaseMs / 2), id -> sweep(refunds));
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_SUBMIT, answering(requests::submit)).completion(),
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_GET, answering(body -> requests.get(body.getString("id"))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_RESULT,
            answering(body -> requests.result(body.getString("id")))).completion(),
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_APPLY,
            answering(body -> requests.apply(body.getJsonObject("session")))).completion(),
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_SYNC, answering(body -> sync(requests, body.getString("id"))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_REFUNDS_SWEEP, answering(body -> sweep(refunds)))
            .completion(),
        // Local: the node whose worker failed a request refunds it at once; the sweep covers every other case.
        bus.<JsonObject>localConsumer(Addresses.REQUESTS_CHANGED, change -> refunds.changed(change.body()))
            .completion()));
  }

  private Future<JsonObject> sync(GenerationRequests requests, String id) {
    long now = System.currentTimeMillis();
    lastSync.values().removeIf(at -> now - at > SYNC_INTERVAL_MS);
    if (lastSync.putIfAbsent(id, now) != null) {
      return Future.succeededFuture(new JsonObject().put("outcome", "throttled"));
    }
    return requests.sync(id);
  }

  private Future<JsonObject> sweep(RequestRefunds refunds) {
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("refunded", 0).put("busy", true));
    }
    sweeping = true;
    return refunds.sweep().eventually(() -> {
      sweeping = false;
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }
}
