package genpay.web;

import genpay.TestEngine;
import genpay.stripe.StripeSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static genpay.TestEngine.await;
import static genpay.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis goes away and comes back: the engine says so, answers 503 meanwhile, and recovers without a restart. */
class RedisOutageTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static HttpResponse<Buffer> order() {
    return await(genpay.http.post("/api/create-checkout").timeout(20_000)
        .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "a lighthouse in a storm")));
  }

  @Test
  void notReadyAnd503WhileRedisIsDownThenBackWithoutARestart() {
    HttpResponse<Buffer> before = order();
    assertEquals(200, before.statusCode());
    String sessionId = before.bodyAsJsonObject().getString("sessionId");

    genpay.engine.embeddedRedis().stop();
    try {
      HttpResponse<Buffer> ready = await(genpay.http.get("/ready").timeout(10_000).send());
      assertProblem(ready, 503);
      assertEquals("down", ready.bodyAsJsonObject().getString("redis"));

      long started = System.nanoTime();
      assertProblem(order(), 503);
      assertProblem(await(genpay.http.get("/api/webhook-status/" + sessionId).timeout(10_000).send()), 503);
      String paid = new JsonObject().put("id", "evt_test_outage1").put("object", "event")
          .put("type", "checkout.session.completed").put("data", new JsonObject().put("object", new JsonObject()
              .put("id", sessionId).put("object", "checkout.session").put("status", "complete")
              .put("payment_status", "paid"))).encode();
      HttpResponse<Buffer> webhook = await(genpay.http.post("/api/webhooks/stripe").timeout(20_000)
          .putHeader("Stripe-Signature", StripeSignature.header(paid,
              genpay.settings().stripeWebhookSecrets().get(0), System.currentTimeMillis() / 1000))
          .sendBuffer(Buffer.buffer(paid)));
      assertProblem(webhook, 503);
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(elapsedMs < 15_000, "answers come promptly, not after a hang: " + elapsedMs + " ms");
    } finally {
      genpay.engine.embeddedRedis().restart();
    }

    assertEquals(200, await(genpay.http.get("/ready").send()).statusCode());
    HttpResponse<Buffer> after = order();
    assertEquals(200, after.statusCode(), after.bodyAsString());
    HttpResponse<Buffer> kept = await(genpay.http.get("/api/webhook-status/" + sessionId).send());
    assertEquals(200, kept.statusCode(), "the order stored before the outage survived it (AOF)");
    assertEquals("a lighthouse in a storm", kept.bodyAsJsonObject().getString("prompt"));
  }
}
