package genpay.push;

import genpay.config.Addresses;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The node's one consumer of the cluster-wide {@code status.changed} (and {@code credits.changed.cluster},
 * {@code requests.changed}): it hands each change to this node's
 * HTTP instances (local only), which fan it out to their streams by id. However many browsers watch,
 * the cluster sees one registration per node.
 */
public final class PushVerticle extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final MeterRegistry registry;

  public PushVerticle(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    var changes = registry.counter("genpay.push.changes");
    var orders = vertx.eventBus().<JsonObject>consumer(Addresses.STATUS_CHANGED, change -> {
      changes.increment();
      vertx.eventBus().publish(Addresses.PUSH_DELIVER, change.body(), LOCAL);
    }).completion();
    var ledger = vertx.eventBus().<JsonObject>consumer(Addresses.CREDITS_CHANGED_CLUSTER,
        change -> vertx.eventBus().publish(Addresses.ACCOUNT_PUSH_DELIVER, change.body(), LOCAL)).completion();
    var requests = vertx.eventBus().<JsonObject>consumer(Addresses.REQUESTS_CHANGED,
        change -> vertx.eventBus().publish(Addresses.PUSH_REQUEST_DELIVER, change.body(), LOCAL)).completion();
    return Future.all(orders, ledger, requests);
  }
}
