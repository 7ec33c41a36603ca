package genpay.stripe;

import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A webhook answered 503 because its write timed out may still have been applied. Stripe's retry is then a
 * duplicate, and it must still push the order's state: nobody else will.
 */
class RetriedWebhookPushTest {

  @Test
  void anExpiryAndAFailedPaymentAppliedLateArePushedWhenStripeRetries() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false",
        "GENERATION_WORKER", "false", "REDIS_TIMEOUT_MS", "300"))) {
      String expiring = genpay.order(1, "a clock melting");
      String declined = genpay.order(1, "a bridge at dusk");
      Future<JsonObject> expiredSeen = genpay.reaches(expiring, "expired");
      Future<JsonObject> errorSeen = genpay.reaches(declined, "error");
      JsonObject expiry = TestEvents.expired(expiring);
      JsonObject failure = TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_failed",
          declined, "complete", "unpaid");

      genpay.pauseRedisWrites(1_500);
      assertEquals(503, await(TestEvents.postSigned(genpay, expiry)).statusCode());
      assertEquals(503, await(TestEvents.postSigned(genpay, failure)).statusCode());

      // Stripe retries each event until it gets a 2xx; by then the first try has run in Redis.
      assertEquals(200, deliverUntilAccepted(genpay, expiry));
      assertEquals(200, deliverUntilAccepted(genpay, failure));
      assertEquals("expired", await(expiredSeen.timeout(10, TimeUnit.SECONDS)).getString("status"));
      JsonObject error = await(errorSeen.timeout(10, TimeUnit.SECONDS));
      assertEquals("error", error.getString("status"));
      assertTrue(error.getLong("version") >= 2);
    }
  }

  private static int deliverUntilAccepted(TestEngine genpay, JsonObject event) {
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
      status = await(TestEvents.postSigned(genpay, event)).statusCode();
    }
    return status;
  }
}
