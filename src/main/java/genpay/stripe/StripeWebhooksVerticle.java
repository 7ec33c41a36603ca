package genpay.stripe;

import genpay.billing.BillingEvents;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.refunds.RefundCommands;
import genpay.refunds.RefundEvents;
import genpay.sessions.Payment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import genpay.config.BusReplies;

import static genpay.config.BusReplies.answering;

/**
 * Owns the webhook secrets and the mapping of Stripe's word to session commands: verifies webhooks, runs
 * reconciliation for pending orders a browser watches, and sweeps pending orders whose webhook never came.
 */
public final class StripeWebhooksVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooksVerticle.class);
  /** A browser watching a pending order asks Stripe at most this often per order and node. */
  private static final long SYNC_INTERVAL_MS = 5_000;
  private static final int SWEEP_PAGE = 200;
  /** Inside the HTTP handler's 15 s: a sync asks Stripe a few things and writes the ledger. */
  private static final DeliveryOptions BILLING_CALL = new DeliveryOptions().setSendTimeout(14_000);

  private final Settings settings;
  private final MeterRegistry registry;
  private final Map<String, Long> lastSync = new ConcurrentHashMap<>();
  private SessionSync sync;
  private boolean sweeping;

  public StripeWebhooksVerticle(Settings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    sync = new SessionSync(vertx.eventBus());
    // At zero from the start: Prometheus's increase() sees no rise in a series whose first sample is already 1.
    meter("unverified", "rejected");
    for (String type : List.of("checkout.session.completed", "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed", "checkout.session.expired")) {
      meter(type, "unavailable");
    }
    var bus = vertx.eventBus();
    vertx.setPeriodic(settings.reconcileIntervalSeconds() * 1000L, id -> sweep());
    return Future.all(
        bus.localConsumer(Addresses.STRIPE_WEBHOOK, answering(this::receive)).completion(),
        bus.localConsumer(Addresses.STRIPE_SYNC, answering(this::syncWatched)).completion(),
        bus.localConsumer(Addresses.STRIPE_SWEEP, answering(body -> sweep())).completion());
  }

  /** Replies {@code {status: 200|400|503, detail?}}: the HTTP answer Stripe gets. */
  private Future<JsonObject> receive(JsonObject received) {
    WebhookEvent event;
    try {
      event = WebhookEvent.verify(received.getString("payload", ""), received.getString("signature"),
          settings.stripeWebhookSecrets());
    } catch (WebhookEvent.Rejected rejected) {
      LOG.info("webhook refused: {}", rejected.getMessage());
      count("unverified", "rejected");
      return Future.succeededFuture(answer(400, rejected.getMessage()));
    }
    if (RefundEvents.handled(event.type())) {
      return receiveRefunds(event);
    }
    if (BillingEvents.handled(event.type(), event.object())) {
      return receiveBilling(event);
    }
    if (CreditsCheckoutCommand.KIND.equals(creditsKind(event))) {
      return receiveCredits(event);
    }
    if (RequestCheckoutCommand.KIND.equals(creditsKind(event))) {
      return receiveRequest(event);
    }
    if (!SessionAction.handled(event.type())) {
      LOG.debug("webhook {} of type {} ignored", event.id(), event.type());
      count(event.type(), "ignored");
      return Future.succeededFuture(answer(200, null));
    }
    String sessionId = event.checkoutSessionId();
    if (sessionId == null) {
      count(event.type(), "rejected");
      return Future.succeededFuture(answer(400, "a " + event.type() + " event must carry a checkout.session"));
    }
    SessionAction action = SessionAction.fromEvent(event.type(), event.object());
    if (action == SessionAction.NONE) {
      LOG.info("session {}: {} with payment_status {}, waiting for the payment", sessionId, event.type(),
          event.object().getValue("payment_status"));
      count(event.type(), "waiting");
      return Future.succeededFuture(answer(200, null));
    }
    return sync.apply(sessionId, action, event.id(), event.type(), Payment.fromCheckoutSession(event.object()))
        .map(applied -> {
          String outcome = applied.getString("outcome");
          LOG.info("session {}: webhook {} {} (api version {}): {}", sessionId, event.id(), event.type(),
              event.apiVersion(), outcome);
          count(event.type(), outcome);
          return answer(200, null);
        })
        .recover(failure -> {
          if (BusReplies.isNotFound(failure)) {
            LOG.info("session {}: webhook {} for an order this engine does not have, ignored", sessionId, event.id());
            count(event.type(), "unknown_session");
            return Future.succeededFuture(answer(200, null));
          }
          LOG.warn("session {}: webhook {} not stored, Stripe will retry: {}", sessionId, event.id(),
              failure.getMessage());
          count(event.type(), "unavailable");
          return Future.succeededFuture(answer(503, "not stored"));
        });
  }

  /** metadata.kind of a checkout.session event's session (credits, generation_request), or null. */
  private static String creditsKind(WebhookEvent event) {
    if (event.checkoutSessionId() == null || !(event.object().getValue("metadata") instanceof JsonObject metadata)) {
      return null;
    }
    return metadata.getValue("kind") instanceof String kind ? kind : null;
  }

  /**
   * A credits purchase, never an order: paid (at once or later) grants it once; other events of it change
   * nothing (an unpaid purchase simply stays ungranted). 503 until the grant is stored, so Stripe retries.
   */
  private Future<JsonObject> receiveCredits(WebhookEvent event) {
    String sessionId = event.checkoutSessionId();
    if (!"checkout.session.completed".equals(event.type())
        && !"checkout.session.async_payment_succeeded".equals(event.type())) {
      count(event.type(), "ignored");
      return Future.succeededFuture(answer(200, null));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.PURCHASES_APPLY, new JsonObject().put("session", event.object()))
        .map(reply -> {
          String outcome = reply.body().getString("outcome");
          LOG.info("purchase {}: webhook {} {}: {}", sessionId, event.id(), event.type(), outcome);
          count(event.type(), "credits_" + outcome);
          return answer(200, null);
        })
        .recover(failure -> {
          LOG.warn("purchase {}: webhook {} not stored, Stripe will retry: {}", sessionId, event.id(),
              failure.getMessage());
          count(event.type(), "unavailable");
          return Future.succeededFuture(answer(503, "not stored"));
        });
  }

  /**
   * A generation request's session: paid (at once or later) queues the request once, through the same script as a
   * POST that finds it paid. An expired session needs nothing: the next POST for the request opens a new one.
   * 503 until the queueing is stored, so Stripe retries.
   */
  private Future<JsonObject> receiveRequest(WebhookEvent event) {
    String sessionId = event.checkoutSessionId();
    if (!"checkout.session.completed".equals(event.type())
        && !"checkout.session.async_payment_succeeded".equals(event.type())) {
      count(event.type(), "ignored");
      return Future.succeededFuture(answer(200, null));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.REQUESTS_APPLY, new JsonObject().put("session", event.object()))
        .map(reply -> {
          String outcome = reply.body().getString("outcome");
          LOG.info("request session {}: webhook {} {}: {}", sessionId, event.id(), event.type(), outcome);
          count(event.type(), "request_" + outcome);
          return answer(200, null);
        })
        .recover(failure -> {
          LOG.warn("request session {}: webhook {} not stored, Stripe will retry: {}", sessionId, event.id(),
              failure.getMessage());
          count(event.type(), "unavailable");
          return Future.succeededFuture(answer(503, "not stored"));
        });
  }

  /**
   * A subscription's event: the sync reads the subscription from Stripe, whatever the event says of it, so order
   * and repeats do not matter. 503 until the sync is stored, so Stripe retries.
   */
  private Future<JsonObject> receiveBilling(WebhookEvent event) {
    JsonObject command = new JsonObject().put("id", event.id()).put("type", event.type()).put("object", event.object());
    return vertx.eventBus().<JsonObject>request(Addresses.BILLING_EVENT, command, BILLING_CALL)
        .map(reply -> {
          String outcome = reply.body().getString("outcome");
          LOG.info("billing: webhook {} {} (api version {}): {}{}", event.id(), event.type(), event.apiVersion(), outcome,
              reply.body().getString("accountId") == null ? "" : " (account " + reply.body().getString("accountId") + ")");
          count(event.type(), "billing_" + outcome);
          return answer(200, null);
        })
        .recover(failure -> {
          LOG.warn("billing: webhook {} {} not synced, Stripe will retry: {}", event.id(), event.type(),
              failure.getMessage());
          count(event.type(), "unavailable");
          return Future.succeededFuture(answer(503, "not synced"));
        });
  }

  /**
   * Refunds Stripe reports: each moves its file's refund as far as the state machine allows; a refund of an
   * order this engine does not have is ignored. 503 until every move is stored, so Stripe retries.
   */
  private Future<JsonObject> receiveRefunds(WebhookEvent event) {
    List<RefundEvents.Reported> reported = RefundEvents.reported(event.object());
    List<Future<Object>> moves = reported.stream().map(refund -> vertx.eventBus()
            .request(Addresses.SESSIONS_REFUND_RECORD,
                RefundCommands.record(refund.fileId(), refund.status(), refund.refundId(), null))
            .map(reply -> (Object) reply)
            .recover(failure -> BusReplies.isNotFound(failure) ? Future.succeededFuture() : Future.failedFuture(failure)))
        .toList();
    return Future.all(moves)
        .map(all -> {
          LOG.info("webhook {} {}: {} refund(s) of this engine's", event.id(), event.type(), reported.size());
          count(event.type(), reported.isEmpty() ? "ignored" : "applied");
          return answer(200, null);
        })
        .recover(failure -> {
          LOG.warn("webhook {} {} not stored, Stripe will retry: {}", event.id(), event.type(), failure.getMessage());
          count(event.type(), "unavailable");
          return Future.succeededFuture(answer(503, "not stored"));
        });
  }

  /** A browser watches a pending order: ask Stripe, at most every few seconds per order. */
  private Future<JsonObject> syncWatched(JsonObject body) {
    String sessionId = body.getString("sessionId");
    long now = System.currentTimeMillis();
    Long last = lastSync.get(sessionId);
    if (last != null && now - last < SYNC_INTERVAL_MS) {
      return Future.succeededFuture(new JsonObject().put("outcome", "throttled"));
    }
    lastSync.put(sessionId, now);
    return sync.reconcile(sessionId);
  }

  /**
   * Reconciles every pending order older than RECONCILE_AFTER_SECONDS, a page at a time; replies with how
   * many it asked Stripe about. Orders Stripe still calls open stay pending and are paged past, so a
   * backlog of abandoned checkouts never starves the newer ones. Shard after shard: one look at each when none
   * is due.
   */
  private Future<JsonObject> sweep() {
    long now = System.currentTimeMillis();
    lastSync.values().removeIf(at -> now - at > SYNC_INTERVAL_MS);
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("reconciled", 0).put("busy", true));
    }
    sweeping = true;
    long createdBefore = now - settings.reconcileAfterSeconds() * 1000L;
    Future<Integer> swept = Future.succeededFuture(0);
    for (int shard : settings.shards().all()) {
      swept = swept.compose(done -> sweepPage(shard, createdBefore, 0, done));
    }
    return swept
        .map(count -> {
          if (count > 0) {
            LOG.info("sweep: reconciled {} pending order(s) with Stripe", count);
          }
          return new JsonObject().put("reconciled", count);
        })
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  private Future<Integer> sweepPage(int shard, long createdBefore, int offset, int done) {
    JsonObject query = new JsonObject().put("shard", shard).put("createdBefore", createdBefore).put("offset", offset)
        .put("limit", SWEEP_PAGE);
    return vertx.eventBus().<JsonObject>request(Addresses.SESSIONS_PENDING, query)
        .map(reply -> reply.body().getJsonArray("sessionIds").getList())
        .compose(ids -> ids.isEmpty()
            ? Future.succeededFuture(done)
            : reconcileEach(ids, 0, 0).compose(stillPending ->
                sweepPage(shard, createdBefore, offset + stillPending, done + ids.size())));
  }

  /** One at a time, so a sweep never floods Stripe; counts the orders that are still pending afterwards. */
  private Future<Integer> reconcileEach(List<?> sessionIds, int index, int stillPending) {
    if (index >= sessionIds.size()) {
      return Future.succeededFuture(stillPending);
    }
    String sessionId = (String) sessionIds.get(index);
    return sync.reconcile(sessionId)
        .map(applied -> "changed".equals(applied.getString("outcome")) ? 0 : 1)
        .otherwise(failure -> {
          LOG.warn("session {}: reconciliation failed: {}", sessionId, failure.getMessage());
          return 1;
        })
        .compose(pending -> reconcileEach(sessionIds, index + 1, stillPending + pending));
  }

  private static JsonObject answer(int status, String detail) {
    JsonObject answer = new JsonObject().put("status", status);
    return detail == null ? answer : answer.put("detail", detail);
  }

  private void count(String type, String outcome) {
    meter(type, outcome).increment();
  }

  private Counter meter(String type, String outcome) {
    return Counter.builder("genpay.webhooks").description("Stripe webhooks by event type and outcome")
        .tag("type", type).tag("outcome", outcome).register(registry);
  }
}
