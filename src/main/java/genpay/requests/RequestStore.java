package genpay.requests;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every Redis access of generation requests on the API side: creation, the payment link, payment, refunds. A
 * request's keys carry the tag of its id's shard (RequestKeys).
 */
public final class RequestStore {

  static final long TTL_SECONDS = TimeUnit.DAYS.toSeconds(30);

  private static final LuaScript CREATE = LuaScript.fromResources("/lua/request_create.lua");
  private static final LuaScript CHECKOUT = LuaScript.fromResources("/lua/request_checkout.lua");
  private static final LuaScript PAID = LuaScript.fromResources("/lua/request_paid.lua").critical();
  private static final LuaScript REFUND_CLAIM = LuaScript.fromResources("/lua/request_refund_claim.lua").critical();
  private static final LuaScript REFUND_RECORD = LuaScript.fromResources("/lua/request_refund_record.lua").critical();

  /** What a script did, and the request's fields as it left them (empty when unknown). */
  public record Outcome(int code, Map<String, String> fields) {

    public boolean changed() {
      return code == 1;
    }

    public boolean unknown() {
      return fields.isEmpty();
    }
  }

  /** A refund leased to the caller: one Stripe call for it now. */
  public record OwedRefund(String requestId, String paymentIntent, long amount, String currency, long attempt) {
  }

  /** The sweep's look at one paid request: the refund to issue now (or null), and whether it was marked owed now. */
  public record RefundClaim(OwedRefund refund, boolean markedOwed) {
  }

  private final Redis redis;
  private final Shards shards;
  private final Clock clock;
  private final long timeoutMs;

  public RequestStore(Redis redis, Shards shards, Clock clock, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  public Shards shards() {
    return shards;
  }

  /** The request, or empty fields when unknown. */
  public Future<Map<String, String>> read(String id) {
    return RedisClients.send(redis, Request.cmd(Command.HGETALL).arg(RequestKeys.request(shards.tagOf(id), id)), timeoutMs)
        .map(RequestStore::hash);
  }

  /** The request still open (awaiting payment or in progress) for this hostname and provider, or null. */
  public Future<Map<String, String>> open(String hostname, String provider) {
    return RedisClients.send(redis, Request.cmd(Command.GET)
            .arg(RequestKeys.open(shards.tagOf(RequestKeys.owner(hostname, provider)), hostname, provider)), timeoutMs)
        .compose(id -> id == null ? Future.succeededFuture(null) : read(id.toString()).map(fields -> {
          String status = fields.getOrDefault("status", "");
          return status.equals("awaiting_payment") || status.equals("queued") || status.equals("processing")
              ? fields : null;
        }));
  }

  /**
   * A new request (free: queued with its job), or the open one for the same hostname and provider. {@code id} comes
   * from {@link RequestKeys#newId}: in the shard of its hostname and provider.
   */
  public Future<Outcome> create(String id, String hostname, String provider, long amountCents, String currency,
                                long urlCount, String locale) {
    String tag = shards.tagOf(id);
    if (!tag.equals(shards.tagOf(RequestKeys.owner(hostname, provider)))) {
      return Future.failedFuture(new IllegalArgumentException("request id not minted in its hostname's shard"));
    }
    return run(CREATE, List.of(RequestKeys.open(tag, hostname, provider), RequestKeys.request(tag, id),
            RedisKeys.requestJobs(tag)),
        List.of(id, hostname, provider, String.valueOf(amountCents), currency, String.valueOf(urlCount),
            String.valueOf(clock.millis()), String.valueOf(TTL_SECONDS), locale));
  }

  /** Stores the session carrying the payment link in place of {@code previousSessionId} ('' for none). */
  public Future<Outcome> checkout(String id, String previousSessionId, String sessionId, String url) {
    return run(CHECKOUT, List.of(RequestKeys.request(shards.tagOf(id), id)), List.of(previousSessionId, sessionId, url));
  }

  /** Marks the request paid and queues it, once; code -2 when the payment is not the request's amount. */
  public Future<Outcome> paid(String id, String sessionId, String paymentIntent, long amountCents, String currency) {
    String tag = shards.tagOf(id);
    return run(PAID, List.of(RequestKeys.request(tag, id), RedisKeys.requestJobs(tag), RequestKeys.paid(tag)),
        List.of(id, sessionId, paymentIntent, String.valueOf(amountCents), currency, String.valueOf(clock.millis())));
  }

  /** Paid requests the sweep looks at now, up to {@code limit} of each shard, the longest unseen first in each. */
  public Future<List<String>> watched(int limit) {
    List<Future<Response>> shardsDue = shards.tags().stream()
        .map(tag -> RedisClients.send(redis, Request.cmd(Command.ZRANGEBYSCORE).arg(RequestKeys.paid(tag)).arg("-inf")
            .arg(clock.millis()).arg("LIMIT").arg(0).arg(limit), timeoutMs))
        .toList();
    return Future.all(shardsDue).map(all -> {
      List<String> list = new java.util.ArrayList<>();
      shardsDue.forEach(ids -> ids.result().forEach(id -> list.add(id.toString())));
      return list;
    });
  }

  public Future<RefundClaim> claimRefund(String id, long leaseMs) {
    String tag = shards.tagOf(id);
    return REFUND_CLAIM.run(redis, List.of(RequestKeys.request(tag, id), RequestKeys.paid(tag)),
            List.of(id, String.valueOf(clock.millis()), String.valueOf(leaseMs)), timeoutMs)
        .map(answer -> {
          boolean marked = answer.size() > 1 && answer.get(1).toInteger() == 1;
          if (answer.get(0).toInteger() != 1) {
            return new RefundClaim(null, marked);
          }
          return new RefundClaim(new OwedRefund(id, answer.get(2).toString(), answer.get(3).toLong(),
              answer.get(4).toString(), answer.get(5).toLong()), marked);
        });
  }

  /** Settles an owed refund: {@code succeeded} or {@code failed}. */
  public Future<Outcome> recordRefund(String id, String status, String refundId, String error) {
    String tag = shards.tagOf(id);
    return run(REFUND_RECORD, List.of(RequestKeys.request(tag, id), RequestKeys.paid(tag)),
        List.of(id, status, refundId == null ? "" : refundId, error == null ? "" : error));
  }

  /** The document of a completed request, or null. */
  public Future<String> result(String id) {
    return RedisClients.send(redis, Request.cmd(Command.GET).arg(RequestKeys.result(shards.tagOf(id), id)), timeoutMs)
        .map(value -> value == null ? null : value.toString());
  }

  private Future<Outcome> run(LuaScript script, List<String> keys, List<String> args) {
    return script.run(redis, keys, args, timeoutMs)
        .map(answer -> new Outcome(answer.get(0).toInteger(), fields(answer.get(1))));
  }

  /** A script's answer: HGETALL inside Lua is always a flat list of names and values. */
  static Map<String, String> fields(Response flat) {
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; flat != null && i + 1 < flat.size(); i += 2) {
      fields.put(flat.get(i).toString(), flat.get(i + 1) == null ? "" : flat.get(i + 1).toString());
    }
    return fields;
  }

  /** HGETALL sent as a command: a map (RESP3) the client reads by name. */
  static Map<String, String> hash(Response hash) {
    Map<String, String> fields = new HashMap<>();
    if (hash != null && hash.size() > 0) {
      for (String name : hash.getKeys()) {
        fields.put(name, hash.get(name) == null ? "" : hash.get(name).toString());
      }
    }
    return fields;
  }
}
