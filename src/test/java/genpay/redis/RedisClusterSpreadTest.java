package genpay.redis;

import genpay.TestEngine;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DESIGN section 18: orders spread over the masters by their shard, so no master carries much more than another. */
class RedisClusterSpreadTest {

  private static final int ORDERS = 1_000;

  @Test
  void thousandOrdersSpreadWithinThirtyPercentOfTheMeanPerMaster() throws Exception {
    try (LocalRedisCluster cluster = LocalRedisCluster.start();
         TestEngine genpay = TestEngine.start(Map.of("REDIS_URL", cluster.seeds(), "REDIS_MODE", "cluster"))) {
      for (int i = 0; i < ORDERS; i++) {
        genpay.order(1 + i % 3, "spread order " + i);
      }
      Map<Integer, Long> keys = cluster.keysPerMaster();
      assertEquals(3, keys.size());
      double mean = keys.values().stream().mapToLong(Long::longValue).average().orElseThrow();
      assertTrue(mean >= ORDERS / 3.0, "every order left keys: " + keys);
      for (Map.Entry<Integer, Long> master : keys.entrySet()) {
        double off = Math.abs(master.getValue() - mean) / mean;
        assertTrue(off <= 0.30, "master " + master.getKey() + " holds " + master.getValue() + " keys, mean "
            + mean + ": " + keys);
      }
    }
  }
}
