package genpay.stripe;

import genpay.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers the sandbox's events to {APP_URL}/api/webhooks/stripe, signed with the first webhook secret,
 * and retries with backoff while the app does not answer 2xx, as Stripe does (on a shorter clock).
 * Pending retries live in memory: a node that dies loses them, and reconciliation covers that, as it
 * covers Stripe's own missed deliveries.
 */
final class SandboxWebhookSender {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxWebhookSender.class);
  static final String API_VERSION = "2026-07-29.dahlia";
  private static final int MAX_ATTEMPTS = 12;
  private static final long FIRST_RETRY_MS = 500;
  private static final long MAX_RETRY_MS = 60_000;

  private final Vertx vertx;
  private final WebClient client;
  private final String endpoint;
  private final String secret;

  SandboxWebhookSender(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(30));
    this.endpoint = settings.appUrl() + "/api/webhooks/stripe";
    this.secret = settings.stripeWebhookSecrets().get(0);
  }

  void send(String type, JsonObject session) {
    JsonObject event = new JsonObject()
        .put("id", SandboxIds.next("evt_test_", 24))
        .put("object", "event")
        .put("api_version", API_VERSION)
        .put("created", System.currentTimeMillis() / 1000)
        .put("livemode", false)
        .put("pending_webhooks", 1)
        .put("type", type)
        .put("data", new JsonObject().put("object", session));
    deliver(event.encode(), session.getString("id"), type, 1);
  }

  private void deliver(String payload, String sessionId, String type, int attempt) {
    String signature = StripeSignature.header(payload, secret, System.currentTimeMillis() / 1000);
    client.postAbs(endpoint).timeout(20_000)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload))
        .onComplete(result -> {
          int status = result.succeeded() ? result.result().statusCode() : 0;
          if (status >= 200 && status < 300) {
            LOG.debug("session {}: sandbox delivered {} (attempt {})", sessionId, type, attempt);
            return;
          }
          if (attempt >= MAX_ATTEMPTS) {
            LOG.warn("session {}: sandbox gave up delivering {} after {} attempts", sessionId, type, attempt);
            return;
          }
          long backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << (attempt - 1));
          long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
          LOG.info("session {}: sandbox {} not accepted ({}), retry {} in {} ms", sessionId, type,
              status == 0 ? "no answer" : "HTTP " + status, attempt + 1, delay);
          vertx.setTimer(delay, id -> deliver(payload, sessionId, type, attempt + 1));
        });
  }
}
