package genpay.admin;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import genpay.sessions.RedisKeys;
import genpay.sessions.ScriptResult;
import genpay.sessions.Snapshots;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin console's Redis access. A global view is the merge of one script per shard (each touches only its
 * shard's keys); an action is one script in the order's shard; the audit goes to the {@code audit} stream and the
 * order's own list.
 */
public final class AdminStore {

  /** Orders one list call looks at per shard when it must read each order's status (a status filter, files). */
  public static final int SCAN_CAP = 5_000;
  /** Orders the funnel reads per shard for one period. */
  public static final int FUNNEL_CAP = 50_000;
  /** An order's audit entries kept on its page (the stream keeps them all). */
  static final int ORDER_AUDIT_KEPT = 200;
  /** An address's orders a search shows, newest first. */
  static final int MAX_ORDERS_OF_EMAIL = 200;

  private static final String PRELUDE = "/lua/snapshot.lua";
  private static final LuaScript LIST = LuaScript.fromResources("/lua/admin_list.lua");
  private static final LuaScript ORDER = LuaScript.fromResources(PRELUDE, "/lua/admin_order.lua");
  private static final LuaScript RETRY = LuaScript.fromResources(PRELUDE, "/lua/admin_retry.lua");
  private static final LuaScript REFUND = LuaScript.fromResources(PRELUDE, "/lua/admin_refund.lua");
  private static final LuaScript RESEND = LuaScript.fromResources("/lua/admin_resend.lua");
  private static final LuaScript FUNNEL = LuaScript.fromResources("/lua/admin_funnel.lua");
  private static final LuaScript FILE_READ = LuaScript.fromResources("/lua/file_read.lua");
  private static final Set<String> NUMBERS = Set.of("createdAt", "paidAt", "endedAt", "updatedAt", "startedAt",
      "videoCount", "amountTotal", "refundedAmount", "version", "progress", "index", "retries", "refundAmount");

  private final Redis redis;
  private final Shards shards;
  private final long timeoutMs;
  private final long ttlSeconds;

  public AdminStore(Redis redis, Shards shards, long timeoutMs, long ttlSeconds) {
    this.redis = redis;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
    this.ttlSeconds = ttlSeconds;
  }

  public Shards shards() {
    return shards;
  }

  /** {@code orders} or {@code files}: every shard's newest matching rows, merged into the page. */
  public Future<JsonObject> list(String mode, AdminQuery query) {
    List<Future<Paging.ShardRows>> parts = shards.tags().stream().map(tag -> LIST.run(redis,
            List.of(AdminKeys.ordersCreated(tag)), List.of(mode, query.fromArg(), query.toArg(), query.status(),
                String.valueOf(query.depth()), String.valueOf(SCAN_CAP)), timeoutMs)
        .map(AdminStore::shardRows)).toList();
    return Future.all(parts).map(all -> Paging.page(parts.stream().map(Future::result).toList(), query.page(),
        query.limit()));
  }

  private static Paging.ShardRows shardRows(Response response) {
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 2; i < response.size(); i++) {
      rows.add(row(response.get(i)));
    }
    return new Paging.ShardRows(rows, response.get(0).toLong(), response.get(1).toInteger() == 1);
  }

  /** The rows of these orders (a search's hits), newest first, those gone left out. */
  public Future<List<JsonObject>> orderRows(List<String> orderIds) {
    List<Future<JsonObject>> reads = orderIds.stream().distinct().map(this::orderRow).toList();
    return Future.all(reads).map(all -> {
      List<JsonObject> rows = new ArrayList<>();
      reads.forEach(read -> {
        if (read.result() != null) {
          rows.add(read.result());
        }
      });
      rows.sort(Paging.NEWEST_FIRST);
      return rows;
    });
  }

  private Future<JsonObject> orderRow(String orderId) {
    String key = RedisKeys.session(shards.tagOf(orderId), orderId);
    List<String> fields = List.of("sessionId", "status", "createdAt", "paidAt", "endedAt", "updatedAt", "videoCount",
        "amountTotal", "currency", "email", "kind", "type", "accountId", "refundedAmount", "version", "error");
    Request hmget = Request.cmd(Command.HMGET).arg(key);
    fields.forEach(hmget::arg);
    return RedisClients.send(redis, hmget, timeoutMs).map(values -> {
      if (values.get(1) == null) {
        return null;
      }
      Map<String, String> flat = new HashMap<>();
      for (int i = 0; i < fields.size(); i++) {
        flat.put(fields.get(i), values.get(i) == null ? "" : values.get(i).toString());
      }
      return orderJson(flat);
    });
  }

  /** The order a file belongs to, or null (its id's shard; a legacy file's pointer is followed once). */
  public Future<String> orderOfFile(String fileId) {
    return FILE_READ.run(redis, List.of(RedisKeys.file(shards.tagOf(fileId), fileId)), List.of(), timeoutMs)
        .compose(read -> read.get(0).toInteger() == -2
            ? FILE_READ.run(redis, List.of(RedisKeys.file(read.get(1).toString(), fileId)), List.of(), timeoutMs)
            : Future.succeededFuture(read))
        .map(read -> read.get(0).toInteger() < 0 ? null : flat(read.get(1)).get("sessionId"));
  }

  /** Ids of the orders paid by this address, newest first, at most {@link #MAX_ORDERS_OF_EMAIL}: every shard's set. */
  public Future<List<String>> ordersOfEmail(String email) {
    List<Future<Response>> perShard = new ArrayList<>();
    for (String tag : shards.tags()) {
      perShard.add(RedisClients.send(redis, Request.cmd(Command.ZREVRANGE).arg(AdminKeys.ordersOfEmail(tag, email))
          .arg(0).arg(MAX_ORDERS_OF_EMAIL - 1).arg("WITHSCORES"), timeoutMs));
    }
    return Future.all(perShard).map(all -> {
      List<Map.Entry<String, Double>> scored = new ArrayList<>();
      perShard.forEach(shard -> scored.addAll(withScores(shard.result())));
      scored.sort(Map.Entry.<String, Double>comparingByValue().reversed());
      return scored.stream().limit(MAX_ORDERS_OF_EMAIL).map(Map.Entry::getKey).toList();
    });
  }

  /** A sorted set's members with their scores: pairs under RESP3, one flat list under RESP2. */
  static List<Map.Entry<String, Double>> withScores(Response response) {
    List<Map.Entry<String, Double>> out = new ArrayList<>();
    if (response == null || response.size() == 0) {
      return out;
    }
    if (response.get(0).type() == ResponseType.MULTI) {
      response.forEach(pair -> out.add(Map.entry(pair.get(0).toString(), pair.get(1).toDouble())));
    } else {
      for (int i = 0; i + 1 < response.size(); i += 2) {
        out.add(Map.entry(response.get(i).toString(), response.get(i + 1).toDouble()));
      }
    }
    return out;
  }

  /** The whole order for its page, or null when unknown. */
  public Future<JsonObject> order(String orderId) {
    String tag = shards.tagOf(orderId);
    return ORDER.run(redis, List.of(RedisKeys.session(tag, orderId), AdminKeys.stripeApplied(tag, orderId),
            AdminKeys.orderAudit(tag, orderId), RedisKeys.mailOutbox(tag), RedisKeys.mailAttempts(tag)),
            List.of(orderId), timeoutMs)
        .map(read -> read.get(0).toInteger() < 0 ? null : orderPage(read));
  }

  private static JsonObject orderPage(Response read) {
    Map<String, String> session = flat(read.get(1));
    List<JsonObject> snapshots = new ArrayList<>();
    JsonArray files = new JsonArray();
    for (Response file : read.get(2)) {
      Map<String, String> fields = flat(file);
      if (fields.isEmpty()) {
        continue;
      }
      JsonObject snapshot = Snapshots.file(fields);
      snapshots.add(snapshot);
      files.add(snapshot.copy().put("providerId", blankToNull(fields.get("providerId")))
          .put("providerKey", fields.getOrDefault("providerKey", fields.get("id")))
          .put("jobEntry", blankToNull(fields.get("jobEntry"))).put("jobStream", blankToNull(fields.get("jobStream")))
          .put("createdAt", number(fields.get("createdAt"))).put("startedAt", number(fields.get("startedAt")))
          .put("updatedAt", number(fields.get("updatedAt"))).put("retries", number(fields.get("retries")))
          .put("refundAttempts", number(fields.get("refundAttempts")))
          .put("refundError", blankToNull(fields.get("refundError"))));
    }
    JsonObject order = orderJson(session).put("prompt", session.get("prompt"))
        .put("paymentIntent", blankToNull(session.get("paymentIntent"))).put("locale", session.get("locale"))
        .put("toolSlug", session.get("toolSlug")).put("snapshot", Snapshots.session(session, snapshots));
    JsonArray events = new JsonArray();
    read.get(3).forEach(event -> events.add(new JsonObject(event.toString())));
    JsonArray audit = new JsonArray();
    read.get(4).forEach(entry -> audit.add(new JsonObject(entry.toString())));
    JsonArray mail = new JsonArray();
    for (Response cause : read.get(5)) {
      mail.add(new JsonObject().put("cause", cause.get(0).toString())
          .put("sentAt", number(cause.get(1).toString()))
          .put("queuedFor", cause.get(2).toString().isEmpty() ? null : (long) Double.parseDouble(cause.get(2).toString()))
          .put("failedAttempts", number(cause.get(3).toString())));
    }
    JsonArray refunds = new JsonArray();
    files.forEach(file -> {
      JsonObject json = (JsonObject) file;
      if (json.getJsonObject("refund") != null) {
        refunds.add(json.getJsonObject("refund").copy().put("fileId", json.getString("id"))
            .put("attempts", json.getValue("refundAttempts")).put("error", json.getValue("refundError")));
      }
    });
    return new JsonObject().put("order", order).put("files", files).put("stripeEvents", events)
        .put("refunds", refunds).put("emails", mail).put("audit", audit);
  }

  /** The admin's retry of a file of {@code orderId}: the script's answer (see lua/admin_retry.lua). */
  public Future<Response> retry(String orderId, String fileId, String providerKey, long now) {
    String tag = shards.tagOf(orderId);
    return RETRY.run(redis, List.of(RedisKeys.file(tag, fileId), RedisKeys.session(tag, orderId),
            RedisKeys.generationJobs(tag), RedisKeys.activeFiles(tag), RedisKeys.refundsOwed(tag)),
        List.of(String.valueOf(now), providerKey), timeoutMs);
  }

  /** Makes the file's (or, fileId empty, every file's) refund owed: see lua/admin_refund.lua. */
  public Future<Response> refund(String orderId, String fileId, long now) {
    String tag = shards.tagOf(orderId);
    return REFUND.run(redis, List.of(RedisKeys.session(tag, orderId), RedisKeys.refundsOwed(tag)),
        List.of(String.valueOf(now), fileId == null ? "" : fileId), timeoutMs);
  }

  public Future<Response> resend(String orderId, long now) {
    String tag = shards.tagOf(orderId);
    return RESEND.run(redis, List.of(RedisKeys.session(tag, orderId), RedisKeys.mailOutbox(tag)),
        List.of(String.valueOf(now), orderId), timeoutMs);
  }

  /** The stage times of the orders created in the period, every shard's. */
  public Future<Funnel> funnel(long from, long to) {
    List<Future<Response>> parts = shards.tags().stream().map(tag -> FUNNEL.run(redis,
        List.of(AdminKeys.ordersCreated(tag)), List.of(String.valueOf(from), String.valueOf(to),
            String.valueOf(FUNNEL_CAP)), timeoutMs)).toList();
    return Future.all(parts).map(all -> {
      List<Funnel.Order> orders = new ArrayList<>();
      boolean capped = false;
      for (Future<Response> part : parts) {
        Response rows = part.result();
        capped |= rows.get(0).toInteger() == 1;
        for (int i = 1; i < rows.size(); i++) {
          Response row = rows.get(i);
          orders.add(new Funnel.Order(time(row.get(0)), time(row.get(1)), time(row.get(2)), row.get(3).toString()));
        }
      }
      return Funnel.of(from, to, orders, capped);
    });
  }

  /**
   * Appends to the {@code audit} stream and to the order's list. Two keys of two slots, so two commands: the stream
   * is the record, the order's list what its page shows.
   */
  public Future<Void> audit(AuditEntry entry) {
    Request add = Request.cmd(Command.XADD).arg(AdminKeys.AUDIT).arg("*");
    entry.toJson().forEach(field -> add.arg(field.getKey()).arg(String.valueOf(field.getValue())));
    String list = AdminKeys.orderAudit(shards.tagOf(entry.orderId()), entry.orderId());
    return RedisClients.send(redis, add, timeoutMs)
        .compose(id -> RedisClients.send(redis, Request.cmd(Command.LPUSH).arg(list)
            .arg(entry.toJson().put("entryId", id.toString()).encode()), timeoutMs))
        .compose(pushed -> RedisClients.send(redis, Request.cmd(Command.LTRIM).arg(list).arg(0)
            .arg(ORDER_AUDIT_KEPT - 1), timeoutMs))
        .compose(trimmed -> RedisClients.send(redis, Request.cmd(Command.EXPIRE).arg(list).arg(ttlSeconds), timeoutMs))
        .mapEmpty();
  }

  /** A snapshot an action's script answered (positive flag), for the change it publishes. */
  public static ScriptResult parsed(Response response) {
    return Snapshots.parse(response);
  }

  static Map<String, String> flat(Response response) {
    Map<String, String> fields = new HashMap<>();
    if (response == null) {
      return fields;
    }
    for (int i = 0; i + 1 < response.size(); i += 2) {
      fields.put(response.get(i).toString(), response.get(i + 1).toString());
    }
    return fields;
  }

  private static JsonObject row(Response flat) {
    Map<String, String> fields = flat(flat);
    return fields.containsKey("progress") ? fileJson(fields) : orderJson(fields);
  }

  static JsonObject orderJson(Map<String, String> fields) {
    JsonObject json = new JsonObject().put("id", fields.get("sessionId"));
    for (String field : List.of("status", "createdAt", "paidAt", "endedAt", "updatedAt", "videoCount", "amountTotal",
        "currency", "email", "kind", "type", "accountId", "refundedAmount", "version", "error")) {
      String value = fields.getOrDefault(field, "");
      json.put(field, NUMBERS.contains(field) ? number(value) : blankToNull(value));
    }
    if (json.getString("kind") == null) {
      json.put("kind", "card");
    }
    return json;
  }

  private static JsonObject fileJson(Map<String, String> fields) {
    JsonObject json = new JsonObject();
    for (String field : List.of("id", "sessionId", "status", "progress", "createdAt", "updatedAt", "startedAt",
        "error", "providerId", "index", "type", "version", "retries")) {
      String value = fields.getOrDefault(field, "");
      json.put(field, NUMBERS.contains(field) ? number(value) : blankToNull(value));
    }
    String refund = fields.getOrDefault("refundStatus", "");
    json.put("refund", refund.isEmpty() ? null : new JsonObject().put("status", refund)
        .put("amount", number(fields.get("refundAmount"))).put("currency", fields.get("refundCurrency")));
    return json;
  }

  /** A stage time, 0 when not reached. */
  private static long time(Response value) {
    Long time = value == null ? null : number(value.toString());
    return time == null ? 0 : time;
  }

  private static Long number(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return (long) Double.parseDouble(value);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
