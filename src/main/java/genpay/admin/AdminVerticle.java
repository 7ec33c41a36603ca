package genpay.admin;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import genpay.web.InvalidInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static genpay.config.BusReplies.answering;
import static genpay.config.BusReplies.failure;

/**
 * The admin console's one verticle per node: answers the admin queries and actions, and is the node's one
 * consumer of {@code status.changed} for the admin streams, encoding each change once when an admin here watches.
 */
public final class AdminVerticle extends VerticleBase {

  private final Settings settings;
  private final MeterRegistry registry;
  private Redis redis;
  private AdminStore store;
  private AdminActions actions;
  private AdminHubs hubs;
  private Counter encoded;

  public AdminVerticle(Settings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "admin");
    store = new AdminStore(redis, settings.shards(), settings.redisTimeoutMs(),
        TimeUnit.DAYS.toSeconds(settings.sessionTtlDays()));
    actions = new AdminActions(store, vertx.eventBus());
    hubs = AdminHubs.of(vertx);
    encoded = Counter.builder("genpay.admin.encoded").description("Admin stream events encoded: one per change and"
        + " node while an admin there watches").register(registry);
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(Addresses.STATUS_CHANGED, change -> fanOut(change.body())).completion(),
        bus.localConsumer(Addresses.ADMIN_ORDERS, answering(checked(this::orders))).completion(),
        bus.localConsumer(Addresses.ADMIN_ORDER, answering(checked(this::order))).completion(),
        bus.localConsumer(Addresses.ADMIN_FILES, answering(checked(this::files))).completion(),
        bus.localConsumer(Addresses.ADMIN_FUNNEL, answering(checked(this::funnel))).completion(),
        bus.localConsumer(Addresses.ADMIN_ACTION, answering(checked(actions::run))).completion()));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }

  private void fanOut(JsonObject change) {
    if (hubs.watching.get() == 0 || change.getJsonObject("session") == null) {
      return;
    }
    AdminFrame frame = AdminFrame.of(change);
    encoded.increment();
    for (AdminHub hub : hubs.all()) {
      if (!hub.idle()) {
        hub.execute(frame);
      }
    }
  }

  private Future<JsonObject> orders(JsonObject body) {
    AdminQuery query = AdminQuery.orders(body.getString("status"), body.getString("from"), body.getString("to"),
        body.getString("q"), body.getString("page"), body.getString("limit"));
    return query.search() == null ? store.list("orders", query) : new AdminSearch(store).find(query);
  }

  private Future<JsonObject> order(JsonObject body) {
    return store.order(body.getString("id")).compose(order -> order == null
        ? failure(BusFailure.NOT_FOUND, "no order with this id") : Future.succeededFuture(order));
  }

  private Future<JsonObject> files(JsonObject body) {
    return store.list("files", AdminQuery.files(body.getString("status"), body.getString("page"),
        body.getString("limit")));
  }

  private Future<JsonObject> funnel(JsonObject body) {
    long[] period = AdminQuery.period(body.getString("from"), body.getString("to"));
    return store.funnel(period[0], period[1]).map(funnel -> body.getBoolean("svg", false)
        ? new JsonObject().put("svg", FunnelSvg.draw(funnel)) : funnel.toJson());
  }

  /** Bad input said as a 400 (the routes check it first; this is for any other caller on the bus). */
  private static Function<JsonObject, Future<JsonObject>> checked(Function<JsonObject, Future<JsonObject>> handler) {
    return body -> {
      try {
        return handler.apply(body);
      } catch (InvalidInput invalid) {
        return failure(BusFailure.BAD_REQUEST, invalid.getMessage());
      }
    };
  }
}
