package genpay.sessions;

import genpay.admin.AdminKeys;
import genpay.config.Settings;
import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * All Redis access for orders. Every change is one atomic Lua script; a move that is not allowed is a no-op. Every
 * key of an order carries its shard's tag (DESIGN.md section 18): its files are minted in its shard, and its jobs
 * go to its shard's streams.
 */
public final class SessionRepository {

  private static final String PRELUDE = "/lua/snapshot.lua";
  private static final LuaScript CREATE = LuaScript.fromResources(PRELUDE, "/lua/session_create.lua");
  private static final LuaScript CREDIT_ORDER = LuaScript.fromResources(PRELUDE, "/lua/session_credit_order.lua").critical();
  private static final LuaScript PAID = LuaScript.fromResources(PRELUDE, "/lua/session_paid.lua").critical();
  private static final LuaScript TRANSITION = LuaScript.fromResources(PRELUDE, "/lua/session_transition.lua");
  private static final LuaScript READ = LuaScript.fromResources(PRELUDE, "/lua/session_read.lua");
  private static final LuaScript FILE_UPDATE = LuaScript.fromResources(PRELUDE, "/lua/file_update.lua");
  /** A file's end records the refund it owes when it failed: a critical write. */
  private static final LuaScript FILE_END = FILE_UPDATE.critical();
  private static final LuaScript FILE_READ = LuaScript.fromResources("/lua/file_read.lua");
  private static final LuaScript REFUNDS_CLAIM = LuaScript.fromResources(PRELUDE, "/lua/refunds_claim.lua");
  /** What file_read.lua and refund_record.lua answer for a legacy file's pointer: {-2, its order's tag}. */
  private static final int MOVED = -2;
  private static final LuaScript REFUND_RECORD = LuaScript.fromResources(PRELUDE, "/lua/refund_record.lua").critical();

  private final Redis redis;
  private final Shards shards;
  private final Clock clock;
  private final long ttlSeconds;
  private final long timeoutMs;

  public SessionRepository(Redis redis, Clock clock, int ttlDays) {
    this(redis, Shards.DEFAULT, clock, ttlDays, RedisClients.COMMAND_TIMEOUT_MS);
  }

  public SessionRepository(Redis redis, Shards shards, Clock clock, int ttlDays, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.clock = clock;
    this.ttlSeconds = TimeUnit.DAYS.toSeconds(ttlDays);
    this.timeoutMs = timeoutMs;
  }

  /** Stores a new pending order. Storing the same session id again changes nothing. */
  public Future<ScriptResult> create(Order order) {
    List<String> args = new ArrayList<>(List.of(order.sessionId(), now(), String.valueOf(ttlSeconds)));
    addField(args, "sessionId", order.sessionId());
    addField(args, "prompt", order.prompt());
    addField(args, "videoCount", String.valueOf(order.videoCount()));
    addField(args, "duration", String.valueOf(Order.DURATION_SECONDS));
    addField(args, "resolution", Order.RESOLUTION);
    addField(args, "style", Order.STYLE);
    addField(args, "toolSlug", order.toolSlug());
    addField(args, "toolTitle", order.toolTitle());
    addField(args, "locale", order.locale());
    addField(args, "amountTotal", String.valueOf(order.amountTotal()));
    addField(args, "currency", order.currency());
    String tag = shards.tagOf(order.sessionId());
    return CREATE.run(redis, List.of(RedisKeys.session(tag, order.sessionId()), RedisKeys.pendingSessions(tag)), args,
            timeoutMs)
        .map(Snapshots::parse);
  }

  /**
   * Stores an order already paid with credits, processing, with its files and jobs (in the priority stream when
   * the order has priority) in one script. Storing the
   * same order id again changes nothing (UNCHANGED), so a caller that timed out may simply try again.
   */
  public Future<ScriptResult> createCreditOrder(CreditOrder order) {
    List<String> args = new ArrayList<>(List.of(order.orderId(), now(), String.valueOf(ttlSeconds), order.type(),
        String.valueOf(order.quantity())));
    int shard = shards.of(order.orderId());
    for (int i = 0; i < order.quantity(); i++) {
      args.add(newFileId(shard));
    }
    addField(args, "sessionId", order.orderId());
    addField(args, "kind", CreditOrder.KIND);
    addField(args, "accountId", order.accountId());
    addField(args, "type", order.type());
    addField(args, "prompt", order.prompt());
    addField(args, "videoCount", String.valueOf(order.quantity()));
    addField(args, "quality", order.quality());
    addField(args, "duration", order.durationSeconds() == null ? "" : String.valueOf(order.durationSeconds()));
    addField(args, "toolSlug", order.toolSlug());
    addField(args, "toolTitle", order.toolTitle());
    addField(args, "locale", order.locale());
    addField(args, "unitCost", String.valueOf(order.unitCost()));
    addField(args, "amountTotal", String.valueOf(order.unitCost() * order.quantity()));
    addField(args, "currency", CreditOrder.CURRENCY);
    String tag = shards.tag(shard);
    String jobs = order.priority() ? RedisKeys.generationJobsPriority(tag) : RedisKeys.generationJobs(tag);
    return CREDIT_ORDER.run(redis, List.of(RedisKeys.session(tag, order.orderId()), jobs, RedisKeys.activeFiles(tag)),
            args,
            timeoutMs)
        .map(Snapshots::parse);
  }

  public Future<ScriptResult> read(String sessionId) {
    return READ.run(redis, List.of(RedisKeys.session(shards.tagOf(sessionId), sessionId)), List.of(), timeoutMs)
        .map(Snapshots::parse);
  }

  /**
   * Payment confirmed: pending -> processing, and its N jobs join the generation stream in the same script.
   * {@code eventId} (or null) is the Stripe event this comes from; an event applied before is a DUPLICATE.
   * {@code payment} is what Checkout says of the payer (e-mail, payment intent), kept with the order.
   */
  public Future<ScriptResult> markPaid(String sessionId, String eventId, Payment payment) {
    return markPaid(sessionId, eventId, "", payment);
  }

  /** The same, the event's type kept in the order's list of applied events (genpay.admin). */
  public Future<ScriptResult> markPaid(String sessionId, String eventId, String eventType, Payment payment) {
    int shard = shards.of(sessionId);
    String tag = shards.tag(shard);
    List<String> args = new ArrayList<>(List.of(sessionId, now(), String.valueOf(ttlSeconds), eventKey(tag, eventId),
        payment.email(), payment.paymentIntent()));
    // Fresh ids for every call; only the call that wins the move to processing uses them.
    for (int i = 0; i < Settings.MAX_QUANTITY; i++) {
      args.add(newFileId(shard));
    }
    args.add(eventType == null ? "" : eventType);
    return PAID.run(redis,
            List.of(RedisKeys.session(tag, sessionId), RedisKeys.pendingSessions(tag), RedisKeys.generationJobs(tag),
                RedisKeys.activeFiles(tag), AdminKeys.ordersOfEmail(tag, payment.email())), args, timeoutMs)
        .map(Snapshots::parse);
  }

  /** A move without jobs (expired, payment failed). {@code error} is what the user reads, or empty. */
  public Future<ScriptResult> transition(String sessionId, SessionStatus target, String error, String eventId) {
    return transition(sessionId, SessionStatus.allowedBefore(target), target, error, eventId);
  }

  /** The same, allowed only from {@code from}: a payment failure may end a pending order, never a paid one. */
  public Future<ScriptResult> transition(String sessionId, Set<SessionStatus> from, SessionStatus target,
                                         String error, String eventId) {
    return transition(sessionId, from, target, error, eventId, "");
  }

  /** The same, the event's type kept in the order's list of applied events (genpay.admin). */
  public Future<ScriptResult> transition(String sessionId, Set<SessionStatus> from, SessionStatus target,
                                         String error, String eventId, String eventType) {
    String allowed = from.stream().map(SessionStatus::wire).collect(Collectors.joining(" "));
    String tag = shards.tagOf(sessionId);
    return TRANSITION.run(redis, List.of(RedisKeys.session(tag, sessionId), RedisKeys.pendingSessions(tag)),
            List.of(sessionId, now(), allowed, target.wire(), error == null ? "" : error, eventKey(tag, eventId),
                String.valueOf(ttlSeconds), eventType == null ? "" : eventType), timeoutMs)
        .map(Snapshots::parse);
  }

  /** A file moves forward at the provider; the session's version moves with it, and it ends with its last file. */
  public Future<ScriptResult> updateFile(FileUpdate update) {
    int progress = Math.max(0, Math.min(100, update.progress()));
    String tag = shards.tagOf(update.sessionId());
    return (update.status().terminal() ? FILE_END : FILE_UPDATE).run(redis, List.of(RedisKeys.file(tag, update.fileId()),
            RedisKeys.session(tag, update.sessionId()),
            RedisKeys.activeFiles(tag), RedisKeys.refundsOwed(tag), RedisKeys.mailOutbox(tag)),
            List.of(now(), update.status().wire(), String.valueOf(progress), update.url(), update.thumbnailUrl(),
                update.error(), update.providerId()), timeoutMs)
        .map(Snapshots::parse);
  }

  /**
   * Owed refunds that are due, each leased for {@code leaseMs} (longer after each earlier try): only {@code fileId}
   * of the order {@code sessionId} when both are given, else up to {@code limit} of every shard. Each:
   * {@code {fileId, sessionId, amount, currency, paymentIntent, attempt, accountId}} (accountId '' but for a credit
   * order).
   */
  public Future<List<JsonObject>> claimRefunds(String sessionId, String fileId, long leaseMs, int limit) {
    if (fileId != null && sessionId != null) {
      return claimShardRefunds(shards.tagOf(sessionId), fileId, leaseMs, limit);
    }
    // One call per shard; a shard with nothing due answers at once.
    List<Future<List<JsonObject>>> claims = shards.tags().stream()
        .map(tag -> claimShardRefunds(tag, "", leaseMs, limit)).toList();
    return Future.all(claims).map(all -> {
      List<JsonObject> claimed = new ArrayList<>();
      claims.forEach(claim -> claimed.addAll(claim.result()));
      return claimed;
    });
  }

  private Future<List<JsonObject>> claimShardRefunds(String tag, String fileId, long leaseMs, int limit) {
    return REFUNDS_CLAIM.run(redis, List.of(RedisKeys.refundsOwed(tag)), List.of(now(), String.valueOf(leaseMs),
            String.valueOf(limit), fileId), timeoutMs)
        .map(response -> {
          List<JsonObject> claimed = new ArrayList<>();
          for (var row : response) {
            claimed.add(new JsonObject().put("fileId", row.get(0).toString()).put("sessionId", row.get(1).toString())
                .put("amount", row.get(2).toLong()).put("currency", row.get(3).toString())
                .put("paymentIntent", row.get(4).toString()).put("attempt", row.get(5).toInteger())
                .put("accountId", row.size() > 6 ? row.get(6).toString() : ""));
          }
          return claimed;
        });
  }

  /**
   * Moves a file's refund to {@code to} if it is now in one of {@code from}; the order's refunded total
   * follows the move into or out of the {@code counted} states. UNKNOWN when the file has no refund.
   */
  public Future<ScriptResult> recordRefund(String fileId, Set<String> from, String to, String refundId,
                                           Set<String> counted, String error) {
    List<String> args = List.of(now(), String.join(" ", from), to, refundId == null ? "" : refundId,
        String.join(" ", counted), error == null ? "" : error);
    return followingPointer(fileId, tag -> REFUND_RECORD.run(redis,
            List.of(RedisKeys.file(tag, fileId), RedisKeys.refundsOwed(tag)), args, timeoutMs))
        .map(Snapshots::parse);
  }

  /** The file snapshot of DESIGN.md section 4 plus the worker's own fields, or null when there is no such file. */
  public Future<JsonObject> readFile(String fileId) {
    return followingPointer(fileId, tag -> FILE_READ.run(redis, List.of(RedisKeys.file(tag, fileId)), List.of(),
            timeoutMs))
        .map(Snapshots::parseFile);
  }

  /**
   * Runs {@code script} on the file's key in its id's shard; a legacy file (placed under its order's tag by
   * scripts/migrate-keys) left a pointer there, and the script runs once more under the tag it names.
   */
  private Future<Response> followingPointer(String fileId, Function<String, Future<Response>> script) {
    return script.apply(shards.tagOf(fileId))
        .compose(response -> response.get(0).toInteger() == MOVED
            ? script.apply(response.get(1).toString())
            : Future.succeededFuture(response));
  }

  public Shards shards() {
    return shards;
  }

  /**
   * A file id of {@code shard}: the order's files share its tag, so one script reaches them all. One secure random
   * UUID per file, whose low 24 bits alone are drawn again until it falls in the shard (a paid webhook mints ten).
   */
  private String newFileId(int shard) {
    return shards.mintUuid(shard);
  }

  /** Ids of a shard's sessions still pending that were created before {@code createdBeforeMillis}, oldest first, paged. */
  public Future<List<String>> pendingCreatedBefore(int shard, long createdBeforeMillis, int offset, int limit) {
    return RedisClients.send(redis, Request.cmd(Command.ZRANGEBYSCORE)
            .arg(RedisKeys.pendingSessions(shards.tag(shard))).arg("-inf")
            .arg(createdBeforeMillis).arg("LIMIT").arg(offset).arg(limit), timeoutMs)
        .map(response -> {
          List<String> ids = new ArrayList<>();
          response.forEach(id -> ids.add(id.toString()));
          return ids;
        });
  }

  public Future<Void> ping() {
    return RedisClients.send(redis, Request.cmd(Command.PING), timeoutMs)
        .mapEmpty();
  }

  private static String eventKey(String tag, String eventId) {
    return eventId == null || eventId.isEmpty() ? "" : RedisKeys.stripeEvent(tag, eventId);
  }

  private String now() {
    return String.valueOf(clock.millis());
  }

  private static void addField(List<String> args, String field, String value) {
    args.add(field);
    args.add(value == null ? "" : value);
  }
}
