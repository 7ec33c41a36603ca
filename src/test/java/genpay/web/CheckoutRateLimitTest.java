package genpay.web;

import genpay.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.Map;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/create-checkout is limited per client IP, counted in Redis, before anything reaches Stripe. */
@ExtendWith(VertxExtension.class)
class CheckoutRateLimitTest {

  private static final int LIMIT = 5;

  /** Reached directly: the peer 127.0.0.1 is the client. */
  private static TestEngine direct;
  /** Behind a proxy on 127.0.0.1: X-Forwarded-For names the client. */
  private static TestEngine proxied;

  @BeforeAll
  static void start() throws Exception {
    direct = TestEngine.start(Map.of("CHECKOUT_RATE_PER_MINUTE", String.valueOf(LIMIT)));
    proxied = TestEngine.start(Map.of("CHECKOUT_RATE_PER_MINUTE", String.valueOf(LIMIT),
        "TRUSTED_PROXIES", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    direct.close();
    proxied.close();
  }

  private static HttpResponse<Buffer> order(TestEngine genpay, String forwardedFor) {
    HttpRequest<Buffer> request = genpay.http.post("/api/create-checkout");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return await(request.sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "a kite over dunes")));
  }

  private static long sandboxSessions(TestEngine genpay) {
    return await(genpay.redis.send(Request.cmd(Command.KEYS).arg("sandbox:stripe:cs:*"))).size();
  }

  private static void assertRateLimited(HttpResponse<Buffer> response) {
    assertProblem(response, 429);
    long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After in whole seconds within the minute: " + retryAfter);
  }

  @Test
  void theSixthCheckoutInAMinuteIs429AndReachesNeitherStripeNorTheStore() {
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(200, order(direct, null).statusCode(), "order " + (i + 1));
    }
    String before = direct.redisDigest();
    long sessions = sandboxSessions(direct);

    assertRateLimited(order(direct, null));
    // A header from a peer that is not a trusted proxy is the client's own say-so: same budget.
    assertRateLimited(order(direct, "198.51.100.23"));

    assertEquals(sessions, sandboxSessions(direct), "no Checkout Session was opened");
    assertEquals(before, direct.redisDigest(), "nothing stored, nothing counted");
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnBudget() {
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(200, order(proxied, "198.51.100.1").statusCode(), "first client, order " + (i + 1));
    }
    assertRateLimited(order(proxied, "198.51.100.1"));
    // What the client wrote left of the proxy's own entry does not change who it is.
    assertRateLimited(order(proxied, "192.0.2.99, 198.51.100.1"));

    HttpResponse<Buffer> other = order(proxied, "198.51.100.2");
    assertEquals(200, other.statusCode(), other.bodyAsString());
    assertEquals(1L, await(proxied.redis.send(Request.cmd(Command.ZCARD)
        .arg(CheckoutRateLimiter.KEY_PREFIX + "198.51.100.2"))).toLong());
    assertTrue(await(proxied.redis.send(Request.cmd(Command.PTTL)
        .arg(CheckoutRateLimiter.KEY_PREFIX + "198.51.100.2"))).toLong() > 0, "the count expires");
  }

  @Test
  void aRedisThatDoesNotAnswerLetsRequestsThrough(Vertx vertx) {
    Redis nowhere = Redis.createClient(vertx, "redis://127.0.0.1:" + TestEngine.freePort());
    try {
      CheckoutRateLimiter limiter = CheckoutRateLimiter.perMinute(nowhere, 1, Clock.systemUTC());
      for (int i = 0; i < 3; i++) {
        assertTrue(await(limiter.check("203.0.113.5")).allowed(), "fail open, attempt " + (i + 1));
      }
    } finally {
      nowhere.close();
    }
  }
}
