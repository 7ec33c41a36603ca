package genpay.requests;

import genpay.config.Addresses;
import genpay.refunds.RefundFlow;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;

import java.util.Set;

/**
 * Refunds failed paid requests whole (DESIGN.md sections 16-17): at once when this node sees one fail, and from a
 * sweep of every paid request not yet settled, so a node that died mid-call or a Stripe that was away only delays
 * it. Each try is leased in Redis (one node at a time) and keyed {@code refund-{requestId}} at Stripe (one refund).
 * <pre>
 * none ──failed after payment──▶ owed ──Stripe made it──▶ succeeded
 *                                  │ └──Stripe away──▶ owed (tried again after the lease)
 *                                  └──refused for good──▶ failed
 * </pre>
 */
public final class RequestRefunds {

  private static final Logger LOG = LoggerFactory.getLogger(RequestRefunds.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(60_000);
  private static final int SWEEP_BATCH = 50;

  private final EventBus bus;
  private final RequestStore store;
  private final GenerationRequests requests;
  private final long leaseMs;
  /** Requests this node is asking Stripe about now: a lease that runs out meanwhile must not start a second call. */
  private final Set<String> inFlight = new HashSet<>();

  public RequestRefunds(EventBus bus, RequestStore store, GenerationRequests requests, long leaseMs) {
    this.bus = bus;
    this.store = store;
    this.requests = requests;
    this.leaseMs = leaseMs;
  }

  /** One look at the paid requests the sweep watches; replies with how many refunds it issued. */
  public Future<JsonObject> sweep() {
    return store.watched(SWEEP_BATCH)
        .compose(ids -> Future.join(ids.stream().map(this::settle).toList())
            .map(all -> new JsonObject().put("looked", ids.size()).put("refunded",
                all.list().stream().filter(Boolean.TRUE::equals).count())))
        .onFailure(failure -> LOG.warn("requests: refund sweep failed: {}", failure.getMessage()));
  }

  /** A change seen on this node: a failed request is refunded now rather than at the next sweep. */
  public void changed(JsonObject request) {
    if (RequestSnapshot.FAILED.equals(request.getString("status"))
        && "owed".equals(request.getValue("refund"))) {
      settle(request.getString("id"));
    }
  }

  /** True when a refund was made now. */
  Future<Boolean> settle(String id) {
    if (!inFlight.add(id)) {
      return Future.succeededFuture(false);
    }
    return store.claimRefund(id, leaseMs)
        .compose(claim -> {
          if (claim.markedOwed()) {
            store.read(id).onSuccess(requests::publish);
          }
          return claim.refund() == null ? Future.succeededFuture(false) : issue(claim.refund());
        })
        .eventually(() -> {
          inFlight.remove(id);
          return Future.succeededFuture();
        });
  }

  private Future<Boolean> issue(RequestStore.OwedRefund owed) {
    String id = owed.requestId();
    return bus.<JsonObject>request(Addresses.STRIPE_REFUND_CREATE, new JsonObject()
            .put("paymentIntent", owed.paymentIntent()).put("amount", owed.amount()).put("requestId", id), STRIPE_CALL)
        .map(Message::body)
        .transform(answer -> switch (RefundFlow.onCreateAnswer(answer.succeeded(),
            answer.failed() && GenerationRequests.refusedForGood(answer.cause()))) {
          case RECORD -> {
            JsonObject refund = answer.result();
            String status = refund.getString("status", "");
            boolean failed = "failed".equals(status) || "canceled".equals(status);
            LOG.info("request {}: refunded {} {} ({}, {}, attempt {})", id, owed.amount(), owed.currency(),
                refund.getString("id"), status, owed.attempt());
            yield record(id, failed ? "failed" : "succeeded", refund.getString("id"),
                failed ? "Stripe: the refund " + status : null).map(true);
          }
          case RECORD_FAILED -> {
            LOG.warn("request {}: refund refused by Stripe: {}", id, answer.cause().getMessage());
            yield record(id, "failed", null, answer.cause().getMessage()).map(false);
          }
          case TRY_AGAIN_LATER -> {
            LOG.warn("request {}: refund not made yet ({}), tried again later (attempt {})", id,
                answer.cause().getMessage(), owed.attempt());
            yield Future.succeededFuture(false);
          }
        });
  }

  private Future<Void> record(String id, String status, String refundId, String error) {
    return store.recordRefund(id, status, refundId, error).map(recorded -> {
      if (recorded.changed()) {
        requests.publish(recorded.fields());
      }
      return null;
    });
  }

}
