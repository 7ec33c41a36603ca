package genpay.stripe;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The billing half of the sandbox keeps each object as a versioned JSON hash under {@code sandbox:stripe:*};
 * a {@link Change} writes several at once, only if none moved since it was read. Every key carries the tag of its
 * object's shard ({@link SandboxIds}): a customer's objects are minted in its shard, a customer in its test
 * clock's, so one change (one script) touches keys of one tag.
 */
final class SandboxStore {

  private static final LuaScript COMMIT = LuaScript.fromResources("/lua/sandbox_billing_commit.lua");

  private final Redis redis;

  SandboxStore(Redis redis) {
    this.redis = redis;
  }

  /** An object as read, with the version a change must name to replace it (0: absent). */
  record Versioned(JsonObject json, long version) {

    boolean exists() {
      return json != null;
    }
  }

  static String customer(String id) {
    return "sandbox:stripe:customer:" + SandboxIds.tag(id) + ":" + id;
  }

  static String customerSubscriptions(String id) {
    return "sandbox:stripe:customer:" + SandboxIds.tag(id) + ":" + id + ":subscriptions";
  }

  static String customerInvoices(String id) {
    return "sandbox:stripe:customer:" + SandboxIds.tag(id) + ":" + id + ":invoices";
  }

  static String customerPaymentMethods(String id) {
    return "sandbox:stripe:customer:" + SandboxIds.tag(id) + ":" + id + ":payment_methods";
  }

  static String clock(String id) {
    return "sandbox:stripe:clock:" + SandboxIds.tag(id) + ":" + id;
  }

  static String clockCustomers(String id) {
    return "sandbox:stripe:clock:" + SandboxIds.tag(id) + ":" + id + ":customers";
  }

  static String subscription(String id) {
    return "sandbox:stripe:subscription:" + SandboxIds.tag(id) + ":" + id;
  }

  static String invoice(String id) {
    return "sandbox:stripe:invoice:" + SandboxIds.tag(id) + ":" + id;
  }

  static String paymentMethod(String id) {
    return "sandbox:stripe:payment_method:" + SandboxIds.tag(id) + ":" + id;
  }

  static String portalSession(String id) {
    return "sandbox:stripe:portal:" + SandboxIds.tag(id) + ":" + id;
  }

  static String paymentIntent(String id) {
    return "sandbox:stripe:pi:" + SandboxIds.tag(id) + ":" + id;
  }

  Future<Versioned> read(String key) {
    return RedisClients.send(redis, Request.cmd(Command.HMGET).arg(key).arg("json").arg("v")).map(fields -> {
      Response json = fields.get(0);
      return json == null ? new Versioned(null, 0)
          : new Versioned(new JsonObject(json.toString()), fields.get(1).toLong());
    });
  }

  Future<List<String>> list(String key) {
    return RedisClients.send(redis, Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1)).map(items -> {
      List<String> members = new ArrayList<>();
      items.forEach(item -> members.add(item.toString()));
      return members;
    });
  }

  Future<List<Versioned>> readAll(List<String> keys) {
    List<Future<Versioned>> reads = keys.stream().map(this::read).toList();
    return Future.all(reads).map(all -> reads.stream().map(Future::result).toList());
  }

  Future<String> get(String key) {
    return RedisClients.send(redis, Request.cmd(Command.GET).arg(key)).map(value -> value == null ? null : value.toString());
  }

  Future<Map<String, String>> hash(String key) {
    return RedisClients.send(redis, Request.cmd(Command.HGETALL).arg(key)).map(fields -> {
      Map<String, String> map = new java.util.HashMap<>();
      if (fields != null) {
        for (String field : fields.getKeys()) {
          map.put(field, fields.get(field).toString());
        }
      }
      return map;
    });
  }

  /** Several writes that apply together, each check holding, or not at all. */
  static final class Change {
    private final List<String> keys = new ArrayList<>();
    private final JsonArray checks = new JsonArray();
    private final JsonArray writes = new JsonArray();

    private int index(String key) {
      int at = keys.indexOf(key);
      if (at < 0) {
        keys.add(key);
        at = keys.size() - 1;
      }
      return at + 1;
    }

    /** The object is still at this version (0: it must not exist yet). */
    Change expect(String key, long version) {
      checks.add(new JsonObject().put("k", index(key)).put("v", version));
      return this;
    }

    Change expectField(String key, String field, String value) {
      checks.add(new JsonObject().put("k", index(key)).put("f", field).put("eq", value));
      return this;
    }

    Change expectAbsent(String key) {
      checks.add(new JsonObject().put("k", index(key)).put("absent", true));
      return this;
    }

    Change put(String key, JsonObject object) {
      writes.add(new JsonObject().put("k", index(key)).put("obj", object.encode()));
      return this;
    }

    /** Replaces an object read at {@code read}'s version. */
    Change replace(String key, Versioned read, JsonObject object) {
      return expect(key, read.version()).put(key, object);
    }

    /** A new object, refused if one exists under the key. */
    Change create(String key, JsonObject object) {
      return expect(key, 0).put(key, object);
    }

    Change hset(String key, Map<String, String> fields) {
      JsonObject values = new JsonObject();
      fields.forEach(values::put);
      writes.add(new JsonObject().put("k", index(key)).put("hset", values));
      return this;
    }

    Change lpush(String key, String member) {
      writes.add(new JsonObject().put("k", index(key)).put("lpush", member));
      return this;
    }

    Change set(String key, String value) {
      writes.add(new JsonObject().put("k", index(key)).put("set", value));
      return this;
    }
  }

  /** Applies the change; the answer is 0 when it was applied, else the 1-based number of the check that failed. */
  Future<Integer> commit(Change change) {
    String body = new JsonObject().put("checks", change.checks).put("writes", change.writes).encode();
    return COMMIT.run(redis, change.keys, List.of(body))
        .map(result -> result.get(0).toInteger() == 1 ? 0 : result.get(1).toInteger());
  }
}
