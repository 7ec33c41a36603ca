package genpay.redis;

import genpay.TestEngine;
import genpay.credits.SignIns;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * DESIGN section 18's failover drill: an engine on a local Redis Cluster, 200 paid orders (190 videos bought by
 * card through the Stripe sandbox's signed webhooks, 10 credit packages) while the master holding the first
 * order's shard is killed with -9 halfway. Its replica is promoted; every order still ends with all its files
 * completed, each started once at the provider, and every package granted exactly once.
 */
class RedisClusterFailoverDrillTest {

  private static final int ORDERS = 190;
  private static final int PACKAGES = 10;

  @Test
  void aMasterKilledMidRunLosesNoPaymentNoFileAndNoGrant() throws Exception {
    try (LocalRedisCluster cluster = LocalRedisCluster.start();
         TestEngine genpay = TestEngine.start(Map.of("REDIS_URL", cluster.seeds(), "REDIS_MODE", "cluster",
             "SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200", "FOLLOW_MAX_DELAY_MS", "400",
             "WORKER_CLAIM_IDLE_SECONDS", "5", "RECONCILE_INTERVAL_SECONDS", "2", "TRUSTED_PROXIES", "127.0.0.1"))) {
      Map<String, Future<JsonObject>> done = new LinkedHashMap<>();
      List<String> buyers = new ArrayList<>();
      List<String> packages = new ArrayList<>();
      Map<String, Double> before = new LinkedHashMap<>();
      for (int i = 0; i < PACKAGES; i++) {
        String cookie = SignIns.signIn(genpay);
        buyers.add(cookie);
        before.put(cookie, balance(genpay, cookie)); // the sign-in's own free grant
      }
      int killAt = (ORDERS + PACKAGES) / 2;
      int doomed = -1;
      for (int i = 0; i < ORDERS + PACKAGES; i++) {
        if (i == killAt) {
          String firstOrder = done.keySet().iterator().next();
          doomed = cluster.masterOf(HashSlots.of(Shards.DEFAULT.tagOf(firstOrder)));
          cluster.kill(doomed);
        }
        if (i % 20 == 19) {
          String cookie = buyers.get(packages.size());
          String sessionId = retrying(genpay, () -> genpay.http.post("/api/payment/checkout/credits")
              .putHeader("Cookie", "gp_session=" + cookie).putHeader("Origin", genpay.settings().appUrl())
              .sendJsonObject(new JsonObject().put("package", "basic")), 200)
              .bodyAsJsonObject().getString("sessionId");
          packages.add(sessionId);
          retrying(genpay, () -> click(genpay, sessionId), 303);
        } else {
          String prompt = "drill order " + i;
          int videos = 1 + i % 3;
          String sessionId = retrying(genpay, () -> genpay.http.post("/api/create-checkout")
              .sendJsonObject(new JsonObject().put("quantity", videos).put("prompt", prompt)), 200)
              .bodyAsJsonObject().getString("sessionId");
          done.put(sessionId, genpay.reaches(sessionId, "completed", "error"));
          retrying(genpay, () -> click(genpay, sessionId), 303);
        }
      }
      int killed = doomed;
      LocalRedisCluster.awaitTrue(() -> !cluster.masters().contains(killed) && cluster.masters().size() == 3,
          "the killed master's replica to take over");
      assertNotEquals(-1, doomed);

      for (Map.Entry<String, Future<JsonObject>> order : done.entrySet()) {
        JsonObject session = await(order.getValue().timeout(240, TimeUnit.SECONDS), 250);
        assertEquals("completed", session.getString("status"), order.getKey() + ": " + session.encode());
        for (Object item : session.getJsonArray("files")) {
          JsonObject file = (JsonObject) item;
          assertEquals("completed", file.getString("status"), file.encode());
          assertEquals(1, genpay.providerStarts(file.getString("id")), "generated once: " + file.getString("id"));
        }
      }
      for (String cookie : buyers) {
        assertEquals(before.get(cookie) + 105.0, balance(genpay, cookie), "basic: 100 credits and 5 bonus, granted once");
      }
    }
  }

  private static double balance(TestEngine genpay, String cookie) {
    return await(genpay.http.get("/api/account").putHeader("Cookie", "gp_session=" + cookie).send())
        .bodyAsJsonObject().getDouble("balance");
  }

  private static Future<HttpResponse<Buffer>> click(TestEngine genpay, String sessionId) {
    return genpay.http.post("/sandbox/stripe/pay/" + sessionId + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("outcome=paid"));
  }

  /**
   * The request until it is answered {@code status}: while a master is down the engine answers 503 for its
   * shards (it never half-applies), and the buyer tries again.
   */
  private static HttpResponse<Buffer> retrying(TestEngine genpay, Supplier<Future<HttpResponse<Buffer>>> request,
                                               int status) {
    Promise<HttpResponse<Buffer>> answered = Promise.promise();
    long deadline = System.currentTimeMillis() + 60_000;
    attempt(genpay, request, status, deadline, answered);
    return await(answered.future(), 70);
  }

  private static void attempt(TestEngine genpay, Supplier<Future<HttpResponse<Buffer>>> request, int status,
                              long deadline, Promise<HttpResponse<Buffer>> answered) {
    request.get().onComplete(result -> {
      if (result.succeeded() && result.result().statusCode() == status) {
        answered.complete(result.result());
      } else if (System.currentTimeMillis() > deadline) {
        answered.fail(result.failed() ? result.cause().toString()
            : result.result().statusCode() + " " + result.result().bodyAsString());
      } else {
        genpay.engine.vertx().setTimer(200, id -> attempt(genpay, request, status, deadline, answered));
      }
    });
  }
}
