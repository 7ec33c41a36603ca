package genpay.web;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.time.Clock;

/**
 * CHECKOUT_RATE_PER_MINUTE per client IP, counted in Redis by one script so that every node of a cluster
 * shares the budget.
 */
public final class CheckoutRateLimiter {

  public static final String KEY_PREFIX = "ratelimit:checkout:";

  /** Null when CHECKOUT_RATE_PER_MINUTE=0. */
  private final SlidingWindowLimiter limiter;

  private CheckoutRateLimiter(SlidingWindowLimiter limiter) {
    this.limiter = limiter;
  }

  public static CheckoutRateLimiter perMinute(Redis redis, int limit, Clock clock) {
    return new CheckoutRateLimiter(new SlidingWindowLimiter(redis, KEY_PREFIX, RateWindow.perMinute(limit), clock));
  }

  /** CHECKOUT_RATE_PER_MINUTE=0: no Redis round trip at all. */
  public static CheckoutRateLimiter unlimited() {
    return new CheckoutRateLimiter(null);
  }

  public int limit() {
    return limiter == null ? 0 : limiter.window().limit();
  }

  /** Counts this request if the client has budget left. Never fails. */
  public Future<RateWindow.Decision> check(String clientIp) {
    return limiter == null ? Future.succeededFuture(RateWindow.Decision.ALLOW) : limiter.check(clientIp);
  }
}
