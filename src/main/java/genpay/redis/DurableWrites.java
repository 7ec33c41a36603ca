package genpay.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How this engine's critical writes fared with {@code WAIT 1}, for every Redis client of one Vert.x instance:
 * confirmed by a replica, not confirmed in time (the write stands on the master), or written where no replica
 * was known (nothing to wait for).
 */
public final class DurableWrites implements Shareable {

  private static final String MAP = "genpay.redis";
  private static final String KEY = "durable-writes";

  final AtomicLong confirmed = new AtomicLong();
  final AtomicLong unconfirmed = new AtomicLong();
  final AtomicLong withoutReplica = new AtomicLong();

  /** The counts shared by every client of this Vert.x instance. */
  public static DurableWrites of(Vertx vertx) {
    var map = vertx.sharedData().<String, DurableWrites>getLocalMap(MAP);
    DurableWrites fresh = new DurableWrites();
    DurableWrites existing = map.putIfAbsent(KEY, fresh);
    return existing == null ? fresh : existing;
  }

  public long confirmed() {
    return confirmed.get();
  }

  public long unconfirmed() {
    return unconfirmed.get();
  }

  public long withoutReplica() {
    return withoutReplica.get();
  }

  /** {@code genpay_redis_durable_writes_total{outcome=confirmed|unconfirmed|no_replica}} on /metrics. */
  public static void register(Vertx vertx, MeterRegistry registry) {
    DurableWrites writes = of(vertx);
    counter(registry, writes, "confirmed", writes.confirmed, "a replica acknowledged the write (WAIT 1)");
    counter(registry, writes, "unconfirmed", writes.unconfirmed,
        "no replica acknowledged within the wait: the write stands on its master only");
    counter(registry, writes, "no_replica", writes.withoutReplica, "the master had no replica to wait for");
  }

  private static void counter(MeterRegistry registry, DurableWrites writes, String outcome, AtomicLong count,
                              String description) {
    FunctionCounter.builder("genpay.redis.durable_writes", writes, ignored -> count.get())
        .tag("outcome", outcome).description("Critical Redis writes by replica acknowledgement: " + description)
        .register(registry);
  }
}
