package genpay.sessions;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.Settings;
import genpay.redis.JobsQueued;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static genpay.config.BusReplies.answering;
import static genpay.config.BusReplies.failure;

/** Owns every order in Redis; answers session commands and publishes one {@code status.changed} per change. */
public final class SessionStoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionStoreVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Settings settings;
  private final StageTimers stages;
  private Redis redis;
  private SessionRepository repository;

  public SessionStoreVerticle(Settings settings, StageTimers stages) {
    this.settings = settings;
    this.stages = stages;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "sessions");
    repository = new SessionRepository(redis, settings.shards(), Clock.systemUTC(), settings.sessionTtlDays(),
        settings.redisTimeoutMs());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.localConsumer(Addresses.SESSIONS_CREATE, answering(this::create)).completion(),
        bus.localConsumer(Addresses.SESSIONS_GET, answering(this::get)).completion(),
        bus.localConsumer(Addresses.SESSIONS_CREDIT_ORDER, answering(this::createCreditOrder)).completion(),
        bus.localConsumer(Addresses.SESSIONS_APPLY, answering(this::apply)).completion(),
        bus.localConsumer(Addresses.SESSIONS_PENDING, answering(this::pending)).completion(),
        bus.localConsumer(Addresses.SESSIONS_FILE_GET, answering(this::getFile)).completion(),
        bus.localConsumer(Addresses.SESSIONS_FILE_UPDATE, answering(this::updateFile)).completion(),
        bus.localConsumer(Addresses.SESSIONS_REFUNDS_CLAIM, answering(this::claimRefunds)).completion(),
        bus.localConsumer(Addresses.SESSIONS_REFUND_RECORD, answering(this::recordRefund)).completion(),
        bus.localConsumer(Addresses.SESSIONS_PING, answering(this::ping)).completion()));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }

  private Future<JsonObject> create(JsonObject body) {
    Order order = Order.fromJson(body);
    return repository.create(order)
        .recover(cause -> unavailable(order.sessionId(), "order not stored", cause))
        .map(stored -> {
          if (stored.changed()) {
            LOG.info("session {}: order stored, {} video(s), prompt of {} chars, status pending",
                order.sessionId(), order.videoCount(), order.prompt().length());
          }
          publish(stored);
          return stored.session();
        });
  }

  private Future<JsonObject> createCreditOrder(JsonObject body) {
    CreditOrder order = CreditOrder.fromJson(body);
    return repository.createCreditOrder(order)
        .recover(cause -> unavailable(order.orderId(), "credit order not stored", cause))
        .map(stored -> {
          if (stored.changed()) {
            LOG.info("session {}: credit order stored, {} {}(s), prompt of {} chars, status processing",
                order.orderId(), order.quantity(), order.type(), order.prompt().length());
            jobsQueued(order.orderId());
          }
          publish(stored);
          return stored.session();
        });
  }

  /**
   * The session snapshot; with {@code withContact: true} also {@code contact: {email, locale, accountId}}, which the
   * public snapshot never carries (whoever has a session id may read its snapshot).
   */
  private Future<JsonObject> get(JsonObject body) {
    String sessionId = body.getString("sessionId");
    return repository.read(sessionId)
        .recover(cause -> unavailable(sessionId, "order not read", cause))
        .compose(read -> {
          if (read.unknown()) {
            return failure(BusFailure.NOT_FOUND, "no order with this session id");
          }
          if (!body.getBoolean("withContact", false)) {
            return Future.succeededFuture(read.session());
          }
          return Future.succeededFuture(read.session().copy().put("contact", new JsonObject()
              .put("email", read.fields().getOrDefault("email", ""))
              .put("locale", read.fields().getOrDefault("locale", "en"))
              .put("accountId", read.fields().getOrDefault("accountId", ""))));
        });
  }

  /**
   * Applies what Stripe says of a session: {@code {sessionId, action: paid|expired|payment_failed, reason?, eventId?,
   * payment?: {email, paymentIntent}}}.
   * Replies {@code {outcome: changed|unchanged|duplicate, changed, session}}.
   */
  private Future<JsonObject> apply(JsonObject body) {
    String sessionId = body.getString("sessionId");
    String action = body.getString("action", "");
    String eventId = body.getString("eventId");
    String eventType = body.getString("eventType", "");
    Future<ScriptResult> applied = switch (action) {
      case "paid" -> repository.markPaid(sessionId, eventId, eventType, Payment.fromJson(body.getJsonObject("payment")));
      case "expired" -> repository.transition(sessionId, SessionStatus.allowedBefore(SessionStatus.EXPIRED),
          SessionStatus.EXPIRED, "The checkout expired before payment.", eventId, eventType);
      case "payment_failed" -> repository.transition(sessionId, Set.of(SessionStatus.PENDING), SessionStatus.ERROR,
          body.getString("reason", "The payment did not go through, so nothing was charged. You can try again."),
          eventId, eventType);
      default -> failure(BusFailure.BAD_REQUEST, "unknown action " + action);
    };
    return applied
        .recover(cause -> cause instanceof ReplyException
            ? Future.failedFuture(cause) : unavailable(sessionId, action + " not applied", cause))
        .compose(outcome -> {
          if (outcome.unknown()) {
            return failure(BusFailure.NOT_FOUND, "no order with this session id");
          }
          announce(sessionId, action, outcome);
          return Future.succeededFuture(new JsonObject()
              .put("outcome", outcome.outcome().name().toLowerCase(Locale.ROOT))
              .put("changed", outcome.changed()).put("session", outcome.session()));
        });
  }

  /** A committed outcome (or a repeat, published again in case its first publish was lost). */
  private void announce(String sessionId, String action, ScriptResult outcome) {
    if (outcome.changed()) {
      LOG.info("session {}: {} -> {}", sessionId, action, outcome.session().getString("status"));
      if ("paid".equals(action)) {
        stages.orderToPayment(outcome.time("paidAt") - outcome.time("createdAt"));
        jobsQueued(sessionId);
      }
    }
    publish(outcome);
  }

  private Future<JsonObject> getFile(JsonObject body) {
    String fileId = body.getString("fileId");
    return repository.readFile(fileId)
        .recover(cause -> unavailable(fileId, "file not read", cause))
        .compose(file -> file == null
            ? failure(BusFailure.NOT_FOUND, "no file with this id")
            : Future.succeededFuture(file));
  }

  private Future<JsonObject> updateFile(JsonObject body) {
    FileUpdate update = FileUpdate.fromJson(body);
    return repository.updateFile(update)
        .recover(cause -> unavailable(update.sessionId(), "file " + update.fileId() + " not updated", cause))
        .compose(result -> {
          if (result.unknown()) {
            return failure(BusFailure.NOT_FOUND, "no such file or session");
          }
          JsonObject file = result.files().stream().filter(f -> update.fileId().equals(f.getString("id")))
              .findFirst().orElse(null);
          if (result.changed() && file != null && file.getJsonObject("refund") != null) {
            // Ended unsuccessfully on a card order: this node issues the refund now; a sweep does if it dies.
            vertx.eventBus().send(Addresses.REFUNDS_OWED, new JsonObject().put("fileId", update.fileId())
                .put("sessionId", update.sessionId()), LOCAL);
          }
          if (result.changed()) {
            String sessionStatus = result.session().getString("status");
            if (update.status().terminal() && !"processing".equals(sessionStatus)) {
              stages.paymentToAllDone(System.currentTimeMillis() - result.time("paidAt"));
            }
            if (update.status().terminal()) {
              LOG.info("session {}: file {} {}; session {}", update.sessionId(), update.fileId(),
                  update.status().wire(), result.session().getString("status"));
            }
          }
          // Also when nothing changed: the caller's earlier try may have landed after it gave up, unseen.
          vertx.eventBus().publish(Addresses.STATUS_CHANGED,
              StatusEvents.fileChanged(result.session(), file, System.currentTimeMillis()));
          return Future.succeededFuture(new JsonObject()
              .put("outcome", result.outcome().name().toLowerCase(Locale.ROOT))
              .put("session", result.session()).put("file", file));
        });
  }

  /** {@code {fileId?, leaseMs, limit}} → {@code {refunds: [...]}}: owed refunds due, leased to the caller. */
  private Future<JsonObject> claimRefunds(JsonObject body) {
    return repository.claimRefunds(body.getString("sessionId"), body.getString("fileId"), body.getLong("leaseMs"),
            body.getInteger("limit", 50))
        .recover(cause -> unavailable(body.getString("fileId", "-"), "refunds not claimed", cause))
        .map(claimed -> new JsonObject().put("refunds", new JsonArray(claimed)));
  }

  /**
   * {@code {fileId, from: [...], to, counted: [...], refundId?, error?}}: one move of a file's refund, published
   * like any file change (also when already made: see {@link #publish}). Fails NOT_FOUND without a refund.
   */
  private Future<JsonObject> recordRefund(JsonObject body) {
    String fileId = body.getString("fileId");
    return repository.recordRefund(fileId, strings(body.getJsonArray("from")), body.getString("to"),
            body.getString("refundId"), strings(body.getJsonArray("counted")), body.getString("error"))
        .recover(cause -> unavailable(fileId, "refund not recorded", cause))
        .compose(result -> {
          if (result.unknown()) {
            return failure(BusFailure.NOT_FOUND, "no refund for this file");
          }
          JsonObject file = result.files().stream().filter(f -> fileId.equals(f.getString("id"))).findFirst()
              .orElse(null);
          if (result.changed()) {
            LOG.info("session {}: file {} refund {}", result.session().getString("sessionId"), fileId,
                body.getString("to"));
          }
          vertx.eventBus().publish(Addresses.STATUS_CHANGED,
              StatusEvents.fileChanged(result.session(), file, System.currentTimeMillis()));
          return Future.succeededFuture(new JsonObject()
              .put("outcome", result.outcome().name().toLowerCase(Locale.ROOT)).put("file", file));
        });
  }

  private static Set<String> strings(JsonArray array) {
    Set<String> values = new java.util.LinkedHashSet<>();
    if (array != null) {
      array.forEach(value -> values.add(String.valueOf(value)));
    }
    return values;
  }

  private Future<JsonObject> pending(JsonObject body) {
    return repository.pendingCreatedBefore(body.getInteger("shard", 0), body.getLong("createdBefore"),
            body.getInteger("offset", 0),
            body.getInteger("limit", 100))
        .recover(cause -> failure(BusFailure.UNAVAILABLE, "the order store is unavailable"))
        .map(ids -> new JsonObject().put("sessionIds", new JsonArray(ids)));
  }

  private Future<JsonObject> ping(Object ignored) {
    return repository.ping()
        .recover(cause -> failure(BusFailure.UNAVAILABLE, "Redis does not answer"))
        .map(v -> new JsonObject().put("redis", "up"));
  }

  /** Wakes the workers of every node for the order's shard (genpay.generation.StreamConsumer). */
  private void jobsQueued(String orderId) {
    vertx.eventBus().publish(Addresses.JOBS_QUEUED, JobsQueued.generation(settings.shards().of(orderId)));
  }

  /**
   * Published for every answer, changed or not: a caller whose earlier try timed out but landed later finds
   * its change already stored, and nobody else would push it. Streams skip versions they have sent.
   */
  private void publish(ScriptResult result) {
    vertx.eventBus().publish(Addresses.STATUS_CHANGED,
        StatusEvents.sessionChanged(result.session(), System.currentTimeMillis()));
  }

  private static <T> Future<T> unavailable(String sessionId, String what, Throwable cause) {
    LOG.warn("session {}: {}: {}", sessionId, what, cause.toString());
    return failure(BusFailure.UNAVAILABLE, "the order store is unavailable");
  }
}
