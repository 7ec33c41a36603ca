package genpay.web;

import genpay.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * CHECKOUT_RATE_PER_MINUTE per client IP, counted in Redis by one script so that every node of a cluster
 * shares the budget.
 */
public final class CheckoutRateLimiter {

  public static final String KEY_PREFIX = "ratelimit:checkout:";

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutRateLimiter.class);
  private static final LuaScript SCRIPT = LuaScript.fromResources("/lua/rate_limit.lua");
  /** Shorter than a store command: this check only guards, it must not add seconds to a checkout. */
  private static final long CHECK_TIMEOUT_MS = 1_000;

  private final Redis redis;
  private final RateWindow window;
  private final Clock clock;

  private CheckoutRateLimiter(Redis redis, RateWindow window, Clock clock) {
    this.redis = redis;
    this.window = window;
    this.clock = clock;
  }

  public static CheckoutRateLimiter perMinute(Redis redis, int limit, Clock clock) {
    return new CheckoutRateLimiter(redis, RateWindow.perMinute(limit), clock);
  }

  /** CHECKOUT_RATE_PER_MINUTE=0: no Redis round trip at all. */
  public static CheckoutRateLimiter unlimited() {
    return new CheckoutRateLimiter(null, null, Clock.systemUTC());
  }

  public int limit() {
    return window == null ? 0 : window.limit();
  }

  /** Counts this request if the client has budget left. Never fails. */
  public Future<RateWindow.Decision> check(String clientIp) {
    if (window == null) {
      return Future.succeededFuture(RateWindow.Decision.ALLOW);
    }
    long now = clock.millis();
    String member = now + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    return SCRIPT.run(redis, List.of(KEY_PREFIX + clientIp), List.of(String.valueOf(now),
            String.valueOf(window.cutoff(now)), String.valueOf(window.limit()), String.valueOf(window.windowMs()),
            member))
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(reply -> window.decide(reply.get(0).toInteger() == 1,
            (long) Double.parseDouble(reply.get(1).toString()), now))
        .otherwise(failure -> {
          // Fail open: a Redis that does not answer here will not answer the store either, which then refuses
          // with 503 by itself; refusing here too would only turn a slow Redis into an outage.
          LOG.warn("checkout rate limit not checked, request let through: {}", failure.toString());
          return RateWindow.Decision.ALLOW;
        });
  }
}
