package genpay;

import genpay.redis.LocalRedisCluster;

import java.util.HashMap;
import java.util.Map;

/**
 * Which Redis test engines use: their own embedded one (the default), or with {@code GENPAY_TEST_REDIS=cluster}
 * (environment or system property) the JVM's one local Redis Cluster, emptied for each engine that starts on it.
 */
public final class TestRedis {

  private TestRedis() {
  }

  public static boolean cluster() {
    String chosen = System.getProperty("GENPAY_TEST_REDIS", System.getenv("GENPAY_TEST_REDIS"));
    return "cluster".equalsIgnoreCase(chosen);
  }

  /**
   * The Redis settings an engine started with {@code overrides} gets: none without the switch; with it, the
   * shared cluster (emptied first) when the test names no Redis, and REDIS_MODE=cluster when it names the
   * cluster (a second engine on the first one's Redis). A test that starts its own Redis keeps it.
   */
  static Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    if (!cluster() || overrides.containsKey("REDIS_MODE")) {
      return env;
    }
    LocalRedisCluster shared = LocalRedisCluster.shared();
    String url = overrides.get("REDIS_URL");
    if (url == null) {
      shared.flushAll();
      env.put("REDIS_URL", shared.seeds());
      env.put("REDIS_MODE", "cluster");
    } else if (url.equals(shared.seeds())) {
      env.put("REDIS_MODE", "cluster");
    }
    return env;
  }

  /** The shared cluster, when this engine runs on it. */
  static LocalRedisCluster clusterOf(genpay.config.Settings settings) {
    return settings.redisMode() == genpay.config.RedisMode.CLUSTER && cluster()
        && settings.redisUrl().equals(LocalRedisCluster.shared().seeds()) ? LocalRedisCluster.shared() : null;
  }
}
