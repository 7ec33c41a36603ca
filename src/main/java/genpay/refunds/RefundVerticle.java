package genpay.refunds;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.Settings;
import genpay.credits.Credits;
import genpay.sessions.CreditOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static genpay.config.BusReplies.answering;


/**
 * Issues the refunds videos are owed: at once on the node whose store ended the file, and from a sweep of
 * refunds left owed (a node that died mid-call, Stripe away). Each refund is one Stripe call keyed by its
 * file, and every move of its state goes through {@link RefundFlow} and the store's compare-and-set.
 */
public final class RefundVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RefundVerticle.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(60_000);
  private static final int SWEEP_BATCH = 50;

  private final Settings settings;
  private final MeterRegistry registry;
  private boolean sweeping;
  /** Refunds this node is asking Stripe about now: a lease that runs out meanwhile must not start a second call. */
  private final Set<String> inFlight = new HashSet<>();

  public RefundVerticle(Settings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    // At zero from the start, so the first refund refused or retried is a rise Prometheus can see.
    List.of("issued", "refused", "retry").forEach(outcome -> registry.counter("genpay.refunds", "outcome", outcome));
    long leaseMs = settings.refundRetrySeconds() * 1000L;
    vertx.setPeriodic(Math.max(500, leaseMs / 2), id -> sweep(leaseMs));
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>localConsumer(Addresses.REFUNDS_OWED,
            owed -> claimThenIssue(owed.body().getString("sessionId"), owed.body().getString("fileId"), leaseMs))
            .completion(),
        bus.localConsumer(Addresses.REFUNDS_SWEEP, answering(body -> sweep(leaseMs))).completion());
  }

  /** Every owed refund that is due, one batch; replies with how many were taken. One sweep at a time. */
  private Future<JsonObject> sweep(long leaseMs) {
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("taken", 0).put("busy", true));
    }
    sweeping = true;
    return claimThenIssue(null, null, leaseMs)
        .map(taken -> new JsonObject().put("taken", taken))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  /** One file's refund of one order when both are given, else every shard's due refunds. */
  private Future<Integer> claimThenIssue(String sessionId, String fileId, long leaseMs) {
    JsonObject claim = new JsonObject().put("leaseMs", leaseMs).put("limit", SWEEP_BATCH);
    if (fileId != null && sessionId != null) {
      claim.put("fileId", fileId).put("sessionId", sessionId);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.SESSIONS_REFUNDS_CLAIM, claim)
        .map(reply -> reply.body().getJsonArray("refunds"))
        .compose(refunds -> Future.join(refunds.stream().map(owed -> issue((JsonObject) owed)).toList())
            .map(refunds.size()))
        .onFailure(failure -> LOG.warn("refunds: claiming failed: {}", failure.getMessage()));
  }

  /** One Stripe call, then the state Stripe gives, or failed for good, or left owed for the next try. */
  private Future<Void> issue(JsonObject owed) {
    String fileId = owed.getString("fileId");
    String sessionId = owed.getString("sessionId");
    if (!inFlight.add(fileId)) {
      return Future.succeededFuture();
    }
    if (CreditOrder.CURRENCY.equals(owed.getString("currency"))) {
      return giveCreditsBack(owed).eventually(() -> {
        inFlight.remove(fileId);
        return Future.succeededFuture();
      });
    }
    return vertx.eventBus().<JsonObject>request(Addresses.STRIPE_REFUND_CREATE, new JsonObject()
            .put("paymentIntent", owed.getString("paymentIntent")).put("amount", owed.getLong("amount"))
            .put("fileId", fileId).put("sessionId", sessionId), STRIPE_CALL)
        .map(Message::body)
        .transform(answer -> {
          boolean refusedForGood = answer.failed() && answer.cause() instanceof ReplyException reply
              && (reply.failureCode() == BusFailure.BAD_GATEWAY || reply.failureCode() == BusFailure.NOT_FOUND);
          return switch (RefundFlow.onCreateAnswer(answer.succeeded(), refusedForGood)) {
            case RECORD -> {
              JsonObject refund = answer.result();
              count("issued");
              LOG.info("session {}: file {} refunded {} {} ({}, attempt {})", sessionId, fileId,
                  owed.getLong("amount"), owed.getString("currency"), refund.getString("id"), owed.getInteger("attempt"));
              yield record(fileId, RefundStatus.fromStripe(refund.getString("status")), refund.getString("id"), null);
            }
            case RECORD_FAILED -> {
              count("refused");
              LOG.warn("session {}: file {} refund refused by Stripe: {}", sessionId, fileId, answer.cause().getMessage());
              yield record(fileId, RefundStatus.FAILED, null, answer.cause().getMessage());
            }
            case TRY_AGAIN_LATER -> {
              count("retry");
              LOG.warn("session {}: file {} refund not made yet ({}), tried again later (attempt {})", sessionId,
                  fileId, answer.cause().getMessage(), owed.getInteger("attempt"));
              yield Future.<Void>succeededFuture();
            }
          };
        })
        .eventually(() -> {
          inFlight.remove(fileId);
          return Future.succeededFuture();
        });
  }

  /**
   * A credit order's file: its share goes back to the ledger, keyed by the file (the ledger applies a source
   * once, so a repeat after a lost answer gives nothing twice), then the refund is recorded succeeded. A ledger
   * that refuses (the spend is unknown or already given back) is recorded failed; one that does not answer
   * leaves the refund owed for the next try.
   */
  private Future<Void> giveCreditsBack(JsonObject owed) {
    String fileId = owed.getString("fileId");
    String orderId = owed.getString("sessionId");
    long amount = owed.getLong("amount");
    return vertx.eventBus().<JsonObject>request(Addresses.CREDITS_REFUND, new JsonObject()
            .put("accountId", owed.getString("accountId")).put("amount", Credits.toJson(amount))
            .put("sourceId", "refund:" + fileId).put("spentSourceId", orderId)
            .put("description", "file " + fileId + " could not be generated"))
        .map(Message::body)
        .transform(answer -> {
          if (answer.failed()) {
            count("retry");
            LOG.warn("order {}: file {} credits not given back yet ({}), tried again later (attempt {})", orderId,
                fileId, answer.cause().getMessage(), owed.getInteger("attempt"));
            return Future.<Void>succeededFuture();
          }
          JsonObject given = answer.result();
          if (!"applied".equals(given.getString("status"))) {
            count("refused");
            LOG.warn("order {}: file {} credits refund refused by the ledger: {}", orderId, fileId,
                given.getString("reason"));
            return record(fileId, RefundStatus.FAILED, null, "the ledger refused: " + given.getString("reason"));
          }
          count("issued");
          LOG.info("order {}: file {} gave back {} credits (attempt {})", orderId, fileId, Credits.format(amount),
              owed.getInteger("attempt"));
          return record(fileId, RefundStatus.SUCCEEDED, given.getString("entryId"), null);
        });
  }

  /** Asks the store to move the refund to {@code to} from wherever the state machine allows it. */
  private Future<Void> record(String fileId, RefundStatus to, String refundId, String error) {
    return vertx.eventBus().request(Addresses.SESSIONS_REFUND_RECORD, RefundCommands.record(fileId, to, refundId,
        error)).mapEmpty();
  }

  private void count(String outcome) {
    registry.counter("genpay.refunds", "outcome", outcome).increment();
  }
}
