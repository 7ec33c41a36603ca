package genpay.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;

/** One pooled client per verticle: connections come back by themselves after Redis restarts. */
public final class RedisClients {

  /**
   * A command that takes longer than this is treated as Redis being unavailable, never as a hang. It may
   * still run later: every caller treats a timed-out write as "maybe applied" (REDIS_TIMEOUT_MS sets it).
   */
  public static final long COMMAND_TIMEOUT_MS = 3_000;

  private RedisClients() {
  }

  /** A command bounded by {@link #COMMAND_TIMEOUT_MS}: a Redis that does not answer is a failure, not a hang. */
  public static Future<Response> send(Redis redis, Request request) {
    return send(redis, request, COMMAND_TIMEOUT_MS);
  }

  public static Future<Response> send(Redis redis, Request request, long timeoutMs) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** {@code poolName} names the pool's metrics; each client needs its own. */
  public static Redis create(Vertx vertx, String redisUrl, String poolName) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(redisUrl)
        .setPoolName(poolName)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096)
        .setPoolRecycleTimeout(15_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true).setTcpKeepAlive(true));
    return Redis.createClient(vertx, options);
  }
}
