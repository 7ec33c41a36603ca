package genpay.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisModeSettingsTest {

  private static Settings settings(Map<String, String> env) {
    return Settings.from(new JsonObject(), env);
  }

  private static String problem(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> settings(env)).getMessage();
  }

  @Test
  void standaloneIsTheDefaultAndKeepsTheEmbeddedRedis() {
    Settings settings = settings(Map.of());
    assertEquals(RedisMode.STANDALONE, settings.redisMode());
    assertNull(settings.redisUrl());
    assertEquals(RedisMode.STANDALONE, settings.withRedisUrl("redis://127.0.0.1:1").redisMode());
  }

  @Test
  void clusterTakesACommaSeparatedSeedList() {
    Settings settings = settings(Map.of("REDIS_MODE", "cluster",
        "REDIS_URL", " redis://127.0.0.1:7000 , redis://127.0.0.1:7001,"));
    assertEquals(RedisMode.CLUSTER, settings.redisMode());
    assertEquals("redis://127.0.0.1:7000,redis://127.0.0.1:7001", settings.redisUrl());
    assertEquals(RedisMode.CLUSTER, settings.withRedisUrl(settings.redisUrl()).redisMode());
    assertTrue(settings.toString().contains("external cluster"));
  }

  @Test
  void badModesAndUrlsNameTheSetting() {
    assertTrue(problem(Map.of("REDIS_MODE", "sentinel")).startsWith("Bad configuration: REDIS_MODE"));
    assertTrue(problem(Map.of("REDIS_MODE", "cluster")).startsWith("Bad configuration: REDIS_URL"));
    assertTrue(problem(Map.of("REDIS_URL", "redis://127.0.0.1:7000,redis://127.0.0.1:7001"))
        .contains("REDIS_MODE=cluster"));
    assertTrue(problem(Map.of("REDIS_MODE", "cluster", "REDIS_URL", "redis://127.0.0.1:7000,127.0.0.1:7001"))
        .startsWith("Bad configuration: REDIS_URL"));
  }
}
