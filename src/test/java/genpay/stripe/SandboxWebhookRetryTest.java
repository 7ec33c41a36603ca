package genpay.stripe;

import genpay.TestEngine;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox keeps delivering, with growing pauses, until the app answers 2xx; each attempt is signed anew. */
class SandboxWebhookRetryTest {

  private record Attempt(long atMillis, String payload, String signature) {
  }

  @Test
  void deliveriesAreRetriedWithBackoffUntilAccepted() throws Exception {
    int appPort = TestEngine.freePort();
    String secret = "whsec_retry_test_K4";
    try (TestEngine genpay = TestEngine.start(Map.of("APP_URL", "http://127.0.0.1:" + appPort,
        "STRIPE_WEBHOOK_SECRET", secret))) {
      List<Attempt> attempts = new CopyOnWriteArrayList<>();
      Promise<Void> accepted = Promise.promise();
      // Stands in for an app that is down twice, then up.
      HttpServer app = genpay.engine.vertx().createHttpServer().requestHandler(request -> request.body()
          .onSuccess(body -> {
            attempts.add(new Attempt(System.currentTimeMillis(), body.toString(), request.getHeader("Stripe-Signature")));
            if (attempts.size() < 3) {
              request.response().setStatusCode(503).end();
            } else {
              request.response().end("{\"received\":true}");
              accepted.tryComplete();
            }
          }));
      await(app.listen(appPort, "127.0.0.1"));

      var created = await(genpay.http.post("/api/create-checkout")
          .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "rain on a tin roof")));
      String sessionId = created.bodyAsJsonObject().getString("sessionId");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      await(accepted.future().timeout(30, java.util.concurrent.TimeUnit.SECONDS));

      assertEquals(3, attempts.size());
      for (Attempt attempt : attempts) {
        WebhookEvent event = WebhookEvent.verify(attempt.payload(), attempt.signature(), List.of(secret));
        assertEquals("checkout.session.completed", event.type());
        assertEquals(sessionId, event.checkoutSessionId());
        assertEquals("paid", event.object().getString("payment_status"));
      }
      assertEquals(attempts.get(0).payload(), attempts.get(2).payload(), "the same event each time");
      long firstPause = attempts.get(1).atMillis() - attempts.get(0).atMillis();
      long secondPause = attempts.get(2).atMillis() - attempts.get(1).atMillis();
      assertTrue(firstPause >= 200, "backs off before retrying: " + firstPause + " ms");
      assertTrue(secondPause >= 450, "and backs off further: " + secondPause + " ms");
      await(app.close());
    }
  }
}
