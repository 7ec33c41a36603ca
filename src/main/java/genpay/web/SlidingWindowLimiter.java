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
 * At most a window's limit of requests per key, counted in Redis by rate_limit.lua so that every node of a
 * cluster shares the budget. Fails open: see {@link #check}.
 */
public final class SlidingWindowLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(SlidingWindowLimiter.class);
  private static final LuaScript SCRIPT = LuaScript.fromResources("/lua/rate_limit.lua");
  /** Shorter than a store command: a limit only guards, it must not add seconds to the request it guards. */
  private static final long CHECK_TIMEOUT_MS = 1_000;

  private final Redis redis;
  private final String keyPrefix;
  private final RateWindow window;
  private final Clock clock;

  public SlidingWindowLimiter(Redis redis, String keyPrefix, RateWindow window, Clock clock) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.window = window;
    this.clock = clock;
  }

  public RateWindow window() {
    return window;
  }

  /** Counts this request against {@code key} if it has budget left. Never fails. */
  public Future<RateWindow.Decision> check(String key) {
    long now = clock.millis();
    String member = now + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    return SCRIPT.run(redis, List.of(keyPrefix + key), List.of(String.valueOf(now),
            String.valueOf(window.cutoff(now)), String.valueOf(window.limit()), String.valueOf(window.windowMs()),
            member))
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(reply -> window.decide(reply.get(0).toInteger() == 1,
            (long) Double.parseDouble(reply.get(1).toString()), now))
        .otherwise(failure -> {
          // Fail open: a Redis that does not answer here will not answer the store either, which then refuses
          // with 503 by itself; refusing here too would only turn a slow Redis into an outage.
          LOG.warn("rate limit {}* not checked, request let through: {}", keyPrefix, failure.toString());
          return RateWindow.Decision.ALLOW;
        });
  }
}
