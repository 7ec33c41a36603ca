package genpay.browser;

import genpay.TestEngine;
import genpay.stripe.StripeSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Figure for the record (printed, not asserted): from a signed webhook leaving the client to the success
 * page's DOM showing the paid order, 20 times. Browser and engine share this machine's clock.
 */
class WebhookToDomLatencyTest {

  private static final int ROUNDS = 20;
  private static TestEngine genpay;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false"));
    browser = Browser.launch(genpay.engine.vertx());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    genpay.close();
  }

  private static final String AWAIT_PENDING_THEN_WATCH = """
      const done = arguments[arguments.length - 1];
      const ready = () => {
        if (document.body.getAttribute('data-status') !== 'pending') { return false; }
        window.__changedAt = 0;
        new MutationObserver(() => {
          if (!window.__changedAt && document.body.getAttribute('data-status') === 'processing') {
            window.__changedAt = Date.now();
          }
        }).observe(document.body, {attributes: true});
        done(true);
        return true;
      };
      if (!ready()) { const o = new MutationObserver(() => { if (ready()) { o.disconnect(); } });
        o.observe(document.body, {attributes: true}); }
      """;

  private static final String AWAIT_CHANGE = """
      const done = arguments[arguments.length - 1];
      const check = () => { if (window.__changedAt) { done(window.__changedAt); return true; } return false; };
      if (!check()) { const o = new MutationObserver(() => { if (check()) { o.disconnect(); } });
        o.observe(document.body, {attributes: true}); }
      """;

  @Test
  void webhookToDomTwentyTimes() {
    List<Long> latencies = new ArrayList<>();
    String origin = genpay.settings().appUrl();
    for (int round = 0; round < ROUNDS; round++) {
      String sessionId = genpay.order(1, "latency round " + round);
      browser.go(origin + "/en/payment-success/" + sessionId);
      browser.awaitScript(AWAIT_PENDING_THEN_WATCH);
      String payload = new JsonObject().put("id", "evt_test_latency_" + round + "_" + System.nanoTime())
          .put("object", "event").put("type", "checkout.session.completed")
          .put("data", new JsonObject().put("object", new JsonObject().put("id", sessionId)
              .put("object", "checkout.session").put("status", "complete").put("payment_status", "paid")))
          .encode();
      String signature = StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
          System.currentTimeMillis() / 1000);
      long sentAt = System.currentTimeMillis();
      var answer = await(genpay.http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", signature)
          .sendBuffer(Buffer.buffer(payload)));
      assertEquals(200, answer.statusCode());
      long changedAt = ((Number) browser.awaitScript(AWAIT_CHANGE)).longValue();
      latencies.add(changedAt - sentAt);
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    assertEquals(ROUNDS, sorted.size());
    assertTrue(sorted.get(0) >= 0, "same clock, so never negative: " + sorted);
    System.out.printf("webhook-to-DOM latency over %d orders: median %.1f ms, p90 %d ms, max %d ms%n", ROUNDS,
        (sorted.get(ROUNDS / 2 - 1) + sorted.get(ROUNDS / 2)) / 2.0, sorted.get((int) (ROUNDS * 0.9) - 1),
        sorted.get(ROUNDS - 1));
  }
}
