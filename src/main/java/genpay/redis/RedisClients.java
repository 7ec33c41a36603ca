package genpay.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** One pooled client per verticle: connections come back by themselves after Redis restarts. */
public final class RedisClients {

  /** A command that takes longer than this is treated as Redis being unavailable, never as a hang. */
  public static final long COMMAND_TIMEOUT_MS = 3_000;

  private RedisClients() {
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
