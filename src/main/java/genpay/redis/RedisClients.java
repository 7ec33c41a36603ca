package genpay.redis;

import genpay.config.RedisMode;
import genpay.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One pooled client per verticle: connections come back by themselves after Redis restarts. The only place that
 * knows REDIS_MODE: a cluster client routes each command and script by its keys to the master of their slot,
 * follows MOVED/ASK, and reads the slot map again every second and after a MOVED (vertx-redis-client).
 */
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

  /** The engine's Redis as REDIS_MODE says. {@code poolName} names the pool's metrics; each client needs its own. */
  public static Redis create(Vertx vertx, Settings settings, String poolName) {
    return create(vertx, settings.redisMode(), settings.redisUrl(), poolName);
  }

  /** One standalone Redis at {@code redisUrl} (tools and tests that start their own). */
  public static Redis create(Vertx vertx, String redisUrl, String poolName) {
    return create(vertx, RedisMode.STANDALONE, redisUrl, poolName);
  }

  public static Redis create(Vertx vertx, RedisMode mode, String redisUrl, String poolName) {
    RedisOptions options = new RedisOptions()
        .setPoolName(poolName)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096)
        .setPoolRecycleTimeout(15_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true).setTcpKeepAlive(true));
    if (mode == RedisMode.CLUSTER) {
      // Every seed is tried for the slot map; reads stay on masters, so a write is always read back.
      options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
      RedisMode.seeds(redisUrl).forEach(options::addConnectionString);
    } else {
      options.setConnectionString(redisUrl);
    }
    return new ModeRedis(vertx, Redis.createClient(vertx, options), mode);
  }

  /**
   * The WAIT-1 path of this client (see {@link Durability}); a client made elsewhere gets one that never waits
   * (it cannot know the client's topology).
   */
  public static Durability durability(Redis redis) {
    return redis instanceof ModeRedis known ? known.durability : Durability.neverWaiting(redis);
  }

  /** A client that remembers its mode and carries its WAIT-1 state; everything else goes to the real client. */
  private static final class ModeRedis implements Redis {

    private final Redis client;
    private final Durability durability;

    ModeRedis(Vertx vertx, Redis client, RedisMode mode) {
      this.client = client;
      this.durability = new Durability(vertx, client, mode);
    }

    @Override
    public Future<RedisConnection> connect() {
      return client.connect();
    }

    @Override
    public Future<Void> close() {
      return client.close();
    }

    @Override
    public Future<Response> send(Request command) {
      return client.send(command);
    }

    @Override
    public Future<List<Response>> batch(List<Request> commands) {
      return client.batch(commands);
    }
  }
}
