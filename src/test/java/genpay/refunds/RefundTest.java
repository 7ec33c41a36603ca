package genpay.refunds;

import genpay.TestKeys;
import genpay.ChildEngine;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import genpay.sessions.RedisKeys;
import genpay.stripe.StripeSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A video that could not be made is refunded, once: through the real stripe-java call to the Stripe sandbox,
 * whatever Stripe repeats, a restart, or a node killed between ending the file and hearing from Stripe.
 */
class RefundTest {

  private static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("SANDBOX_GENERATION_SECONDS", "1",
        "FOLLOW_FIRST_DELAY_MS", "100", "FOLLOW_MAX_DELAY_MS", "300", "REFUND_RETRY_SECONDS", "1"));
    env.putAll(more);
    return env;
  }

  /** The order once none of its refunds is owed any more. */
  private static io.vertx.core.Future<JsonObject> settled(TestEngine genpay, String sessionId) {
    return genpay.sessionWhere(sessionId, session -> List.of("completed", "error").contains(session.getString("status"))
        && session.getJsonArray("files").stream().map(JsonObject.class::cast)
        .noneMatch(file -> file.getJsonObject("refund") != null
            && "owed".equals(file.getJsonObject("refund").getString("status"))));
  }

  @Test
  void oneFailedVideoOfThreeIsRefundedOnceWhateverStripeRepeats() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of()))) {
      String sessionId = genpay.order(3, "three lanterns on a lake [sandbox:fail:2]");
      var done = settled(genpay, sessionId);
      genpay.payOnCheckoutPage(sessionId, "buyer@example.com");
      JsonObject session = await(done.timeout(30, TimeUnit.SECONDS));

      assertEquals("error", session.getString("status"));
      List<JsonObject> failed = session.getJsonArray("files").stream().map(JsonObject.class::cast)
          .filter(file -> "failed".equals(file.getString("status"))).toList();
      assertEquals(1, failed.size());
      JsonObject refund = failed.get(0).getJsonObject("refund");
      assertEquals("succeeded", refund.getString("status"));
      assertEquals(500, refund.getLong("amount"), "one video's price");
      assertEquals("usd", refund.getString("currency"));
      assertNotNull(refund.getString("id"));
      assertEquals(new JsonObject().put("amount", 500).put("currency", "usd"), session.getJsonObject("refunded"));
      session.getJsonArray("files").stream().map(JsonObject.class::cast)
          .filter(file -> "completed".equals(file.getString("status")))
          .forEach(file -> assertNull(file.getJsonObject("refund")));
      String paymentIntent = field(genpay.redis, TestKeys.session(sessionId), "paymentIntent");
      assertEquals(List.of(refund.getString("id")), sandboxRefunds(genpay.redis, paymentIntent));
      assertEquals("500", field(genpay.redis, TestKeys.stripeSandbox("pi", paymentIntent), "refunded"));

      // Stripe repeats its word, and says it again later: nothing moves.
      long version = session.getLong("version");
      JsonObject reported = new JsonObject().put("id", refund.getString("id")).put("object", "refund")
          .put("status", "succeeded").put("metadata", new JsonObject().put("file_id", failed.get(0).getString("id")));
      JsonObject charge = new JsonObject().put("id", "ch_test_1").put("object", "charge")
          .put("refunds", new JsonObject().put("object", "list").put("data", new JsonArray().add(reported)));
      for (int i = 0; i < 2; i++) {
        assertEquals(200, postWebhook(genpay, "charge.refunded", charge));
        assertEquals(200, postWebhook(genpay, "refund.updated", reported));
      }
      // A restart's sweep (and another node's) finds nothing owed.
      try (TestEngine other = TestEngine.start(quick(Map.of("REDIS_URL", genpay.settings().redisUrl())))) {
        assertEquals(0, await(other.engine.vertx().eventBus().<JsonObject>request(Addresses.REFUNDS_SWEEP,
            new JsonObject())).body().getInteger("taken"));
      }
      JsonObject after = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
      assertEquals(version, after.getLong("version"));
      assertEquals(session.getJsonObject("refunded"), after.getJsonObject("refunded"));
      assertEquals(1, sandboxRefunds(genpay.redis, paymentIntent).size());
      assertEquals(0, TestKeys.total(genpay.redis, Command.ZCARD,
          TestKeys.SHARDS.tags().stream().map(RedisKeys::refundsOwed).toList()));
    }
  }

  @Test
  void aTimedOutVideoIsRefundedToo() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("SANDBOX_GENERATION_SECONDS", "120",
        "GENERATION_TIMEOUT_SECONDS", "2")))) {
      String sessionId = genpay.order(1, "a slow sunrise");
      var done = settled(genpay, sessionId);
      genpay.payOnCheckoutPage(sessionId, "buyer@example.com");
      JsonObject session = await(done.timeout(30, TimeUnit.SECONDS));
      JsonObject file = session.getJsonArray("files").getJsonObject(0);
      assertEquals("timeout", file.getString("status"));
      assertEquals("succeeded", file.getJsonObject("refund").getString("status"));
      assertEquals(500, session.getJsonObject("refunded").getLong("amount"));
    }
  }

  @Test
  void aRefundWhoseNodeIsKilledBeforeStripeAnswersIsFinishedByAnotherOnce(@TempDir Path dataDir) throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(dataDir, 0, "everysec");
    try {
      // The doomed node's Stripe sandbox makes each refund and never answers: it dies waiting.
      Map<String, String> shared = quick(Map.of("REDIS_URL", redis.url()));
      Map<String, String> doomedEnv = new HashMap<>(shared);
      doomedEnv.put("SANDBOX_STRIPE_FAULTS", "refund_timeout=1");
      String sessionId;
      try (ChildEngine doomed = ChildEngine.start(doomedEnv)) {
        doomed.whenLogged("genpay ready").get(60, TimeUnit.SECONDS);
        WebClient http = WebClient.create(VERTX);
        sessionId = await(http.post(doomed.port, "127.0.0.1", "/api/create-checkout")
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "a moth at a lamp [sandbox:fail:1]")))
            .bodyAsJsonObject().getString("sessionId");
        var held = doomed.whenLogged("its answer held back");
        await(http.post(doomed.port, "127.0.0.1", "/sandbox/stripe/pay/" + sessionId + "/complete")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("outcome=paid&email=buyer%40example.com")));
        held.get(30, TimeUnit.SECONDS);
        doomed.kill();
      }
      // Stripe made the refund; the dead node never heard, so it is still owed.
      Redis direct = RedisClients.create(VERTX, redis.url(), "refund-test");
      String fileId = field(direct, TestKeys.session(sessionId), "fileIds").replaceAll("[\\[\\]\"]", "");
      String paymentIntent = field(direct, TestKeys.session(sessionId), "paymentIntent");
      assertEquals("owed", field(direct, TestKeys.file(sessionId, fileId), "refundStatus"));
      List<String> made = sandboxRefunds(direct, paymentIntent);
      assertEquals(1, made.size());
      direct.close();

      try (TestEngine survivor = TestEngine.start(shared)) {
        // Once the dead node's lease runs out, a sweep takes the refund and asks Stripe with the same key.
        JsonObject session = await(settledNowOrLater(survivor, sessionId).timeout(60, TimeUnit.SECONDS), 70);
        JsonObject refund = session.getJsonArray("files").getJsonObject(0).getJsonObject("refund");
        assertEquals("succeeded", refund.getString("status"));
        assertEquals(made, List.of(refund.getString("id")), "the refund the dead node's call made");
        assertEquals(made, sandboxRefunds(survivor.redis, paymentIntent), "one refund in all");
        assertEquals(500, session.getJsonObject("refunded").getLong("amount"));
      }
    } finally {
      redis.stop();
    }
  }

  /** {@link #settled}, or the order as it is if it already is. */
  private static io.vertx.core.Future<JsonObject> settledNowOrLater(TestEngine genpay, String sessionId) {
    var later = settled(genpay, sessionId);
    JsonObject now = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
    boolean owed = now.getJsonArray("files").stream().map(JsonObject.class::cast)
        .anyMatch(file -> file.getJsonObject("refund") != null
            && "owed".equals(file.getJsonObject("refund").getString("status")));
    return owed ? later : io.vertx.core.Future.succeededFuture(now);
  }

  private static int postWebhook(TestEngine genpay, String type, JsonObject object) {
    String payload = new JsonObject().put("id", "evt_test_" + System.nanoTime()).put("object", "event")
        .put("type", type).put("created", System.currentTimeMillis() / 1000)
        .put("data", new JsonObject().put("object", object)).encode();
    return await(genpay.http.post("/api/webhooks/stripe")
        .putHeader("Stripe-Signature", StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
            System.currentTimeMillis() / 1000))
        .sendBuffer(Buffer.buffer(payload))).statusCode();
  }

  private static String field(Redis redis, String key, String field) {
    Response value = await(redis.send(Request.cmd(Command.HGET).arg(key).arg(field)));
    return value == null ? null : value.toString();
  }

  private static List<String> sandboxRefunds(Redis redis, String paymentIntent) {
    return await(redis.send(Request.cmd(Command.LRANGE).arg(TestKeys.stripeSandbox("refunds", paymentIntent)).arg(0).arg(-1)))
        .stream().map(Response::toString).toList();
  }
}
