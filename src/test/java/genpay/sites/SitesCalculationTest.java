package genpay.sites;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.config.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sites.calculate on a whole engine (its embedded Redis) with ALLOW_PRIVATE_SITES=true, against TestSite. */
class SitesCalculationTest {

  private static TestEngine engine;

  @BeforeAll
  static void start() throws Exception {
    engine = TestEngine.start(Map.of("ALLOW_PRIVATE_SITES", "true"));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private Future<JsonObject> calculate(String hostname) {
    return engine.engine.vertx().eventBus().<JsonObject>request(Addresses.SITES_CALCULATE,
        new JsonObject().put("hostname", hostname)).map(reply -> reply.body());
  }

  @Test
  void countsPricesAndKeepsTheCalculationSevenDays() {
    try (TestSite site = TestSite.start(engine.engine.vertx(), TestSite.PAGES)) {
      JsonObject calculation = await(calculate(site.hostname()));
      assertEquals(site.hostname(), calculation.getString("hostname"));
      assertEquals(120, calculation.getLong("urlCount"));
      JsonObject gemini = calculation.getJsonObject("prices").getJsonObject("gemini");
      // 120 × 0.00097 = 0.1164: below Stripe's smallest charge, so 0.50.
      assertEquals(0.5, gemini.getDouble("total"));
      assertEquals(0.00097, gemini.getDouble("perUrl"));
      assertEquals("eur", gemini.getString("currency"));
      assertTrue(gemini.getBoolean("paid"));
      JsonObject ollama = calculation.getJsonObject("prices").getJsonObject("ollama");
      assertEquals(0.0, ollama.getDouble("total"));
      assertEquals(false, ollama.getBoolean("paid"));
      assertTrue(calculation.getString("calculatedAt").endsWith("Z"));

      String key = SiteCalculations.key(site.hostname());
      assertEquals(120, await(engine.redis.send(Request.cmd(Command.LLEN).arg(key + ":urls"))).toLong());
      assertEquals(site.url("/page/1"),
          await(engine.redis.send(Request.cmd(Command.LINDEX).arg(key + ":urls").arg(0))).toString());
      long ttl = await(engine.redis.send(Request.cmd(Command.TTL).arg(key))).toLong();
      assertTrue(ttl > 7 * 86_400 - 60 && ttl <= 7 * 86_400, "ttl " + ttl);
      assertTrue(await(engine.redis.send(Request.cmd(Command.TTL).arg(key + ":urls"))).toLong() >= ttl);

      // Asked again, it is found: the site is not read a second time.
      JsonObject again = await(calculate(site.hostname()));
      assertEquals(calculation, again);
      assertEquals(1, site.requests("/robots.txt"));
    }
  }

  @Test
  void concurrentAsksForOneSiteReadItOnce() {
    try (TestSite site = TestSite.start(engine.engine.vertx(), 40)) {
      List<Future<JsonObject>> asks = java.util.stream.IntStream.range(0, 10)
          .mapToObj(i -> calculate(site.hostname())).toList();
      await(Future.all(asks));
      asks.forEach(ask -> assertEquals(40, ask.result().getLong("urlCount")));
      assertEquals(1, site.requests("/robots.txt"));
    }
  }

  @Test
  void aBadHostnameIs400AndAnUnreadableSite502() {
    assertEquals(BusFailure.BAD_REQUEST, failureCode(calculate("127.0.0.1")));
    assertEquals(BusFailure.BAD_REQUEST, failureCode(calculate("user@example.com")));
    assertEquals(BusFailure.BAD_REQUEST, failureCode(calculate("example.com:8080")));
    assertEquals(BusFailure.BAD_GATEWAY, failureCode(calculate("localhost:" + TestEngine.freePort())));
  }

  private static int failureCode(Future<?> future) {
    ExecutionException thrown = assertThrows(ExecutionException.class,
        () -> future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, thrown.getCause()).failureCode();
  }
}
