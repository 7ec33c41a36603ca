package genpay.billing;

import genpay.credits.LedgerKeys;
import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscriptions in Redis. {@code billing:{sN}:acc} (the account's shard, beside its ledger) holds the account's
 * customer and its subscription as last retrieved; indexes (single keys) find the account of a customer, of a
 * subscription and of a test clock; {@code billing:subscribed:{sN}} (scored by the last sync) feeds the sweep.
 */
public final class BillingStore {

  private static final LuaScript STORE = LuaScript.fromResources("/lua/billing_store.lua");

  private final Redis redis;
  private final Shards shards;
  private final long timeoutMs;

  public BillingStore(Redis redis, Shards shards, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
  }

  /** The account's billing hash, in the account's shard. */
  public static String key(Shards shards, String accountId) {
    return "billing:" + shards.tagOf(LedgerKeys.checkAccount(accountId)) + ":" + accountId;
  }

  /** The subscribed accounts of one shard, scored by their last sync: what the sweep walks. */
  public static String subscribed(String tag) {
    return "billing:subscribed:" + tag;
  }

  public static String customerKey(String customerId) {
    return "billing:customer:" + customerId;
  }

  public static String subscriptionKey(String subscriptionId) {
    return "billing:subscription:" + subscriptionId;
  }

  public static String clockKey(String testClockId) {
    return "billing:clock:" + testClockId;
  }

  /** The account's billing hash: customer, locale, and the subscription kept (null when none). */
  public record Billing(String customerId, String locale, SubscriptionState subscription) {
  }

  /** What {@link #store} did, and what the account held before. */
  public record Stored(String outcome, SubscriptionState previous) {
    public boolean applied() {
      return "applied".equals(outcome);
    }
  }

  public Future<Billing> billing(String accountId) {
    return send(Request.cmd(Command.HGETALL).arg(key(shards, accountId))).map(hash -> {
      Map<String, String> fields = fields(hash);
      return new Billing(blank(fields.get("customerId")), blank(fields.get("locale")),
          SubscriptionState.fromFields(fields));
    });
  }

  /** Remembers the account's customer (the first one stays) and indexes it; answers the customer kept. */
  public Future<String> linkCustomer(String accountId, String customerId) {
    return send(Request.cmd(Command.HSETNX).arg(key(shards, accountId)).arg("customerId").arg(customerId))
        .compose(set -> send(Request.cmd(Command.HGET).arg(key(shards, accountId)).arg("customerId")))
        .compose(kept -> send(Request.cmd(Command.SET).arg(customerKey(kept.toString())).arg(accountId))
            .map(done -> kept.toString()));
  }

  /** The language of the account's last checkout, for its billing mail. */
  public Future<Void> locale(String accountId, String locale) {
    return send(Request.cmd(Command.HSET).arg(key(shards, accountId)).arg("locale").arg(locale)).mapEmpty();
  }

  /**
   * Stores the state unless the account keeps a newer retrieve of the same subscription, or another subscription
   * that this one may not replace (one atomic script). Then indexes it (subscription, test clock, sweep).
   */
  public Future<Stored> store(String accountId, SubscriptionState state) {
    List<String> args = new ArrayList<>(List.of(Long.toString(state.syncedAt()), state.subscriptionId(),
        Long.toString(state.created()), state.status().ended() ? "1" : "0",
        state.customerId() == null ? "" : state.customerId()));
    state.fields().forEach((field, value) -> {
      if (!"customerId".equals(field)) {
        args.add(field);
        args.add(value);
      }
    });
    return STORE.run(redis, List.of(key(shards, accountId)), args, timeoutMs).compose(reply -> {
      Map<String, String> previous = new HashMap<>();
      Response flat = reply.get(1);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        previous.put(flat.get(i).toString(), flat.get(i + 1).toString());
      }
      Stored stored = new Stored(reply.get(0).toString(), SubscriptionState.fromFields(previous));
      // The indexes live in other slots: written after, each idempotent, before the caller hears of success.
      List<Future<Response>> indexes = new ArrayList<>();
      indexes.add(send(Request.cmd(Command.SET).arg(subscriptionKey(state.subscriptionId())).arg(accountId)));
      if (state.testClock() != null) {
        indexes.add(send(Request.cmd(Command.SADD).arg(clockKey(state.testClock())).arg(accountId)));
      }
      if (stored.applied()) {
        indexes.add(state.status().ended()
            ? send(Request.cmd(Command.ZREM).arg(subscribed(shards.tagOf(accountId))).arg(accountId))
            : send(Request.cmd(Command.ZADD).arg(subscribed(shards.tagOf(accountId))).arg(state.syncedAt())
                .arg(accountId)));
      }
      return Future.all(indexes).map(done -> stored);
    });
  }

  public Future<String> accountOfCustomer(String customerId) {
    return get(customerKey(customerId));
  }

  public Future<String> accountOfSubscription(String subscriptionId) {
    return get(subscriptionKey(subscriptionId));
  }

  public Future<List<String>> accountsOnClock(String testClockId) {
    return send(Request.cmd(Command.SMEMBERS).arg(clockKey(testClockId))).map(BillingStore::strings);
  }

  /** Subscribed accounts last synced before {@code beforeMs}, oldest first, at most {@code limit}: one look per shard. */
  public Future<List<String>> syncedBefore(long beforeMs, int limit) {
    List<Future<Response>> due = shards.tags().stream()
        .map(tag -> send(Request.cmd(Command.ZRANGEBYSCORE).arg(subscribed(tag)).arg("-inf").arg("(" + beforeMs)
            .arg("WITHSCORES").arg("LIMIT").arg(0).arg(limit)))
        .toList();
    return Future.all(due).map(all -> {
      Map<String, Double> synced = new HashMap<>();
      for (Future<Response> shard : due) {
        Response rows = shard.result();
        for (int i = 0; rows != null && i < rows.size(); i++) {
          // RESP3 answers [member, score] pairs; RESP2 a flat list.
          if (rows.get(i).size() == 2) {
            synced.put(rows.get(i).get(0).toString(), rows.get(i).get(1).toDouble());
          } else if (i + 1 < rows.size()) {
            synced.put(rows.get(i).toString(), rows.get(++i).toDouble());
          }
        }
      }
      return synced.entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(limit)
          .map(Map.Entry::getKey).toList();
    });
  }

  private Future<String> get(String key) {
    return send(Request.cmd(Command.GET).arg(key)).map(value -> value == null ? null : value.toString());
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }

  private static List<String> strings(Response list) {
    List<String> values = new ArrayList<>();
    if (list != null) {
      list.forEach(item -> values.add(item.toString()));
    }
    return values;
  }

  private static Map<String, String> fields(Response hash) {
    Map<String, String> fields = new HashMap<>();
    if (hash != null) {
      for (String key : hash.getKeys()) {
        fields.put(key, hash.get(key).toString());
      }
    }
    return fields;
  }

  private static String blank(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
