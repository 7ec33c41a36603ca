package genpay.stripe;

import genpay.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers the sandbox's events to {APP_URL}/api/webhooks/stripe, signed with the first webhook secret,
 * and retries with backoff while the app does not answer 2xx, as Stripe does (on a shorter clock).
 * A batch (the events of one action) goes out in its order, each first attempt after the one before in the
 * batch has been answered, unless shuffling is on: then in a random order, to prove the app does not depend on it.
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
  private final Random shuffle;

  SandboxWebhookSender(Vertx vertx, Settings settings) {
    this(vertx, settings, settings.sandboxStripeShuffle() ? new Random() : null);
  }

  /** {@code shuffle}: the source of each batch's random order, or null to keep the order. */
  SandboxWebhookSender(Vertx vertx, Settings settings, Random shuffle) {
    this.vertx = vertx;
    WebClientOptions options = new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(30);
    if (settings.https()) {
      // Posts to APP_URL, which may be this engine behind its own (self-signed) certificate.
      options.setTrustOptions(settings.selfTrust());
    }
    this.client = WebClient.create(vertx, options);
    this.endpoint = settings.appUrl() + "/api/webhooks/stripe";
    this.secret = settings.stripeWebhookSecrets().get(0);
    this.shuffle = shuffle;
  }

  /** The last billing event's first attempt: billing batches wait on each other (see {@link #sendBilling}). */
  private Future<Void> billingQueue = Future.succeededFuture();

  void send(String type, JsonObject object) {
    sendBatch(List.of(new BillingSteps.Event(type, object)), Future.succeededFuture());
  }

  /**
   * A batch of billing events (subscriptions, invoices, test clocks), after every billing batch before it: one
   * clock advance is several steps, and its renewals leave in the time order they happened, the ready event last.
   * Orders, purchases and refunds stay independent of it and of each other.
   */
  synchronized void sendBilling(List<BillingSteps.Event> batch) {
    billingQueue = sendBatch(batch, billingQueue);
  }

  /** The events of one action, after {@code after}; answers when the last one's first attempt was answered. */
  private Future<Void> sendBatch(List<BillingSteps.Event> batch, Future<Void> after) {
    List<BillingSteps.Event> order = new ArrayList<>(batch);
    if (shuffle != null) {
      synchronized (shuffle) {
        Collections.shuffle(order, shuffle);
      }
    }
    // Each first attempt waits for the answer to the one before, so a batch leaves in its order.
    Future<Void> previous = after;
    for (BillingSteps.Event event : order) {
      JsonObject json = new JsonObject()
          .put("id", SandboxIds.next("evt_test_", 24))
          .put("object", "event")
          .put("api_version", API_VERSION)
          .put("created", System.currentTimeMillis() / 1000)
          .put("livemode", false)
          .put("pending_webhooks", 1)
          .put("type", event.type())
          .put("data", new JsonObject().put("object", event.object()));
      String payload = json.encode();
      String objectId = event.object().getString("id");
      previous = previous.transform(done -> {
        Promise<Void> answered = Promise.promise();
        deliver(payload, objectId, event.type(), 1, answered);
        return answered.future();
      });
    }
    return previous;
  }

  private void deliver(String payload, String objectId, String type, int attempt, Promise<Void> answered) {
    String signature = StripeSignature.header(payload, secret, System.currentTimeMillis() / 1000);
    client.postAbs(endpoint).timeout(20_000)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload))
        .onComplete(result -> {
          if (answered != null) {
            answered.tryComplete();
          }
          int status = result.succeeded() ? result.result().statusCode() : 0;
          if (status >= 200 && status < 300) {
            LOG.debug("{}: sandbox delivered {} (attempt {})", objectId, type, attempt);
            return;
          }
          if (attempt >= MAX_ATTEMPTS) {
            LOG.warn("{}: sandbox gave up delivering {} after {} attempts", objectId, type, attempt);
            return;
          }
          long backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << (attempt - 1));
          long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
          LOG.info("{}: sandbox {} not accepted ({}), retry {} in {} ms", objectId, type,
              status == 0 ? "no answer" : "HTTP " + status, attempt + 1, delay);
          vertx.setTimer(delay, id -> deliver(payload, objectId, type, attempt + 1, null));
        });
  }
}
