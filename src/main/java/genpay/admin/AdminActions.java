package genpay.admin;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.redis.JobsQueued;
import genpay.sessions.ScriptResult;
import genpay.sessions.StatusEvents;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;

import static genpay.config.BusReplies.failure;

/**
 * The support actions of DESIGN.md section 19, each through the path the engine already has (the refund path,
 * the outbox, the session transition, the job streams), each published like any change and appended to the
 * audit once it is done.
 */
public final class AdminActions {

  public static final int CONFLICT = 409;
  private static final Logger LOG = LoggerFactory.getLogger(AdminActions.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AdminStore store;
  private final EventBus bus;

  public AdminActions(AdminStore store, EventBus bus) {
    this.store = store;
    this.bus = bus;
  }

  /** {@code {action, target, admin, reason}} → {@code {outcome, session?}}. */
  public Future<JsonObject> run(JsonObject command) {
    String action = command.getString("action", "");
    String target = command.getString("target");
    Future<Done> done = switch (action) {
      case "retry" -> retry(target);
      case "refund-file" -> refundFile(target);
      case "refund-order" -> refund(target, null);
      case "resend-email" -> resend(target);
      case "expire" -> expire(target);
      default -> failure(BusFailure.BAD_REQUEST, "unknown action " + action);
    };
    return done.compose(result -> {
      AuditEntry entry = new AuditEntry(System.currentTimeMillis(), command.getString("admin"), action, target,
          result.orderId(), command.getString("reason"), result.outcome());
      LOG.info("admin {}: {} {} (order {}): {}", entry.admin(), action, target, result.orderId(), result.outcome());
      return store.audit(entry).map(audited -> new JsonObject().put("outcome", result.outcome())
          .put("orderId", result.orderId()).put("session", result.session()).put("audit", entry.toJson()));
    });
  }

  private record Done(String orderId, String outcome, JsonObject session) {
  }

  private Future<String> orderOfFile(String fileId) {
    return store.orderOfFile(fileId).compose(orderId -> orderId == null
        ? failure(BusFailure.NOT_FOUND, "no file with this id") : Future.succeededFuture(orderId));
  }

  private Future<Done> retry(String fileId) {
    // A fresh provider Idempotency-Key in the file's shard (the provider sandbox keys its state by it).
    String key = store.shards().mintNear(fileId, () -> fileId + ":retry:" + HexFormat.of().toHexDigits(RANDOM.nextInt()));
    return orderOfFile(fileId).compose(orderId -> store.retry(orderId, fileId, key, System.currentTimeMillis())
        .compose(answer -> {
          int flag = answer.get(0).toInteger();
          if (flag == -1) {
            return failure(BusFailure.NOT_FOUND, "no file with this id");
          }
          if (flag == -3) {
            return failure(CONFLICT, "the file is " + answer.get(1) + ": only a failed or timed-out file is retried");
          }
          if (flag == -4) {
            return failure(CONFLICT, "the file's refund is being issued right now; retry once it has settled");
          }
          ScriptResult retried = AdminStore.parsed(answer);
          JsonObject file = retried.files().stream().filter(f -> fileId.equals(f.getString("id"))).findFirst()
              .orElse(null);
          bus.publish(Addresses.STATUS_CHANGED, StatusEvents.fileChanged(retried.session(), file,
              System.currentTimeMillis()));
          bus.publish(Addresses.JOBS_QUEUED, JobsQueued.generation(store.shards().of(orderId)));
          return Future.succeededFuture(new Done(orderId, "retried", retried.session()));
        }));
  }

  private Future<Done> refundFile(String fileId) {
    return orderOfFile(fileId).compose(orderId -> refund(orderId, fileId));
  }

  private Future<Done> refund(String orderId, String fileId) {
    return store.refund(orderId, fileId, System.currentTimeMillis()).compose(answer -> {
      int flag = answer.get(0).toInteger();
      if (flag == -1) {
        return failure(BusFailure.NOT_FOUND, fileId == null ? "no order with this id" : "no such file of the order");
      }
      if (flag == -3) {
        return failure(CONFLICT, "the order is " + answer.get(1) + ": nothing was paid, nothing to refund");
      }
      if (flag == -5) {
        return failure(CONFLICT, "the order has no payment to refund against");
      }
      ScriptResult result = AdminStore.parsed(answer);
      if (!result.changed()) {
        return Future.succeededFuture(new Done(orderId, "already-refunded", result.session()));
      }
      bus.publish(Addresses.STATUS_CHANGED, StatusEvents.sessionChanged(result.session(), System.currentTimeMillis()));
      // Issued now through genpay.refunds (Idempotency-Key refund-{fileId}); its sweep takes over if this fails.
      result.files().stream()
          .filter(file -> fileId == null || fileId.equals(file.getString("id")))
          .filter(file -> file.getJsonObject("refund") != null
              && "owed".equals(file.getJsonObject("refund").getString("status")))
          .forEach(file -> bus.send(Addresses.REFUNDS_OWED, new JsonObject().put("fileId", file.getString("id"))
              .put("sessionId", orderId), LOCAL));
      return Future.succeededFuture(new Done(orderId, "refund-owed", result.session()));
    });
  }

  private Future<Done> resend(String orderId) {
    return store.resend(orderId, System.currentTimeMillis()).compose(answer -> switch (answer.get(0).toInteger()) {
      case -1 -> failure(BusFailure.NOT_FOUND, "no order with this id");
      case -3 -> failure(CONFLICT, "the order is " + answer.get(1) + ": its message goes out once it has ended");
      case -5 -> failure(CONFLICT, "the order has no e-mail address");
      default -> Future.succeededFuture(new Done(orderId, "queued " + answer.get(1), null));
    });
  }

  private Future<Done> expire(String orderId) {
    return bus.<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", orderId))
        .map(Message::body)
        .compose(session -> "pending".equals(session.getString("status"))
            ? bus.<JsonObject>request(Addresses.SESSIONS_APPLY, new JsonObject().put("sessionId", orderId)
                .put("action", "expired")).map(Message::body)
            : failure(CONFLICT, "the order is " + session.getString("status") + ": only a pending order expires"))
        .compose(applied -> applied.getBoolean("changed", false)
            ? Future.succeededFuture(new Done(orderId, "expired", applied.getJsonObject("session")))
            : failure(CONFLICT, "the order is " + applied.getJsonObject("session").getString("status")
                + ": only a pending order expires"));
  }

}
