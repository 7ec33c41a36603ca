package genpay.stripe;

import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.concurrent.atomic.AtomicLong;

/** Stripe events as Stripe sends them, signed, for tests that post them to the engine. */
final class TestEvents {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private TestEvents() {
  }

  static String newEventId() {
    return "evt_test_" + System.nanoTime() + "x" + SEQUENCE.incrementAndGet();
  }

  static JsonObject event(String eventId, String type, String sessionId, String status, String paymentStatus) {
    return new JsonObject()
        .put("id", eventId)
        .put("object", "event")
        .put("api_version", SandboxWebhookSender.API_VERSION)
        .put("created", System.currentTimeMillis() / 1000)
        .put("livemode", false)
        .put("type", type)
        .put("data", new JsonObject().put("object", new JsonObject()
            .put("id", sessionId).put("object", "checkout.session")
            .put("status", status).put("payment_status", paymentStatus)
            .put("mode", "payment").put("metadata", new JsonObject().put("video_count", "1"))));
  }

  static JsonObject paid(String sessionId) {
    return event(newEventId(), "checkout.session.completed", sessionId, "complete", "paid");
  }

  static JsonObject expired(String sessionId) {
    return event(newEventId(), "checkout.session.expired", sessionId, "expired", "unpaid");
  }

  static String sign(String payload, String secret) {
    return StripeSignature.header(payload, secret, System.currentTimeMillis() / 1000);
  }

  static Future<HttpResponse<Buffer>> post(TestEngine genpay, String payload, String signature) {
    var request = genpay.http.post("/api/webhooks/stripe").putHeader("Content-Type", "application/json");
    if (signature != null) {
      request.putHeader("Stripe-Signature", signature);
    }
    return request.sendBuffer(Buffer.buffer(payload));
  }

  static Future<HttpResponse<Buffer>> postSigned(TestEngine genpay, JsonObject event) {
    String payload = event.encode();
    return post(genpay, payload, sign(payload, genpay.settings().stripeWebhookSecrets().get(0)));
  }
}
