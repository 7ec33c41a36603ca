package genpay.accounts;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accounts, sign-in links, sessions and API keys in Redis. Secrets arrive here only as their SHA-256: the raw
 * link token, cookie value or key is never stored. An account and its API keys live in the account's shard
 * (DESIGN.md section 18: keys are minted so that their hash falls there); lookups by a foreign value (an address,
 * a link, a session cookie) are single keys that only single commands or one-key scripts touch.
 */
public final class AccountStore {

  public static final Duration LINK_TTL = Duration.ofMinutes(15);
  public static final Duration SESSION_TTL = Duration.ofDays(30);

  private static final LuaScript SIGN_IN = LuaScript.fromResources("/lua/account_sign_in.lua");
  private static final LuaScript EMAIL_CLAIM = LuaScript.fromResources("/lua/account_email_claim.lua");
  private static final LuaScript KEY_CREATE = LuaScript.fromResources("/lua/apikey_create.lua");
  private static final LuaScript KEY_REVOKE = LuaScript.fromResources("/lua/apikey_revoke.lua");
  private static final LuaScript KEY_TOUCH = LuaScript.fromResources("/lua/apikey_touch.lua");
  private static final LuaScript SET_PLAN = LuaScript.fromResources("/lua/account_set_plan.lua");

  private final Redis redis;
  private final Shards shards;
  private final Clock clock;
  private final long timeoutMs;

  public AccountStore(Redis redis, Shards shards, Clock clock, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  public Shards shards() {
    return shards;
  }

  public static String linkKey(String tokenHash) {
    return "auth:link:" + tokenHash;
  }

  public static String sessionKey(String sessionHash) {
    return "auth:session:" + sessionHash;
  }

  public static String accountKey(Shards shards, String accountId) {
    return "account:" + shards.tagOf(accountId) + ":" + accountId;
  }

  public static String emailKey(String email) {
    return "account:email:" + emailHash(email);
  }

  public static String emailHash(String email) {
    return Tokens.sha256(email.toLowerCase(Locale.ROOT));
  }

  /** Under the tag of the hash's shard: the account's, as {@link #newApiKey} draws it. */
  public static String apiKeyKey(Shards shards, String keyHash) {
    return "apikey:" + shards.tagOf(keyHash) + ":" + keyHash;
  }

  public static String accountKeysKey(Shards shards, String accountId) {
    return "account:keys:" + shards.tagOf(accountId) + ":" + accountId;
  }

  /** A new API key whose hash falls in the account's shard, so the key and the account's list share a tag. */
  public String newApiKey(String accountId) {
    int shard = shards.of(accountId);
    while (true) {
      String key = Tokens.apiKey();
      if (shards.of(Tokens.sha256(key)) == shard) {
        return key;
      }
    }
  }

  /** A sign-in link, usable once, for {@link #LINK_TTL}; its expiry is also written in, for {@link #takeLink}. */
  public Future<Void> storeLink(String tokenHash, String email, String next, String locale) {
    JsonObject link = new JsonObject().put("email", email).put("next", next).put("locale", locale)
        .put("expiresAt", clock.millis() + LINK_TTL.toMillis());
    return send(Request.cmd(Command.SET).arg(linkKey(tokenHash)).arg(link.encode())
        .arg("PX").arg(LINK_TTL.toMillis())).mapEmpty();
  }

  /** The link, gone from Redis from now on; null when unknown, used or expired. */
  public Future<JsonObject> takeLink(String tokenHash) {
    return send(Request.cmd(Command.GETDEL).arg(linkKey(tokenHash))).map(value -> {
      if (value == null) {
        return null;
      }
      JsonObject link = new JsonObject(value.toString());
      return link.getLong("expiresAt", 0L) > clock.millis() ? link : null;
    });
  }

  public record SignIn(String accountId, boolean created) {
  }

  /**
   * The account of this address (made now when it has none), and a new session for it. Three steps, each on keys
   * of one shard: the address's lookup names the account (set once, by whoever comes first), the account is made
   * if it is not there yet (so the one sign-in that makes it says so), then the session points at it.
   */
  public Future<SignIn> signIn(String email, String sessionHash) {
    return EMAIL_CLAIM.run(redis, List.of(emailKey(email)), List.of(Tokens.id("acc_", 24)), timeoutMs)
        .map(Response::toString)
        .compose(id -> SIGN_IN.run(redis, List.of(accountKey(shards, id)), List.of(id, email,
                clock.instant().toString()), timeoutMs)
            .map(made -> new SignIn(id, made.toInteger() == 1)))
        .compose(signIn -> send(Request.cmd(Command.SET).arg(sessionKey(sessionHash)).arg(signIn.accountId())
            .arg("EX").arg(SESSION_TTL.toSeconds())).map(signIn));
  }

  /** The account a session belongs to, its lifetime renewed; null when the session is unknown or expired. */
  public Future<Account> sessionAccount(String sessionHash) {
    return send(Request.cmd(Command.GETEX).arg(sessionKey(sessionHash)).arg("EX").arg(SESSION_TTL.toSeconds()))
        .compose(id -> id == null ? Future.succeededFuture(null) : account(id.toString()));
  }

  public Future<Void> endSession(String sessionHash) {
    return send(Request.cmd(Command.DEL).arg(sessionKey(sessionHash))).mapEmpty();
  }

  /** Null when there is no such account. */
  public Future<Account> account(String accountId) {
    return send(Request.cmd(Command.HGETALL).arg(accountKey(shards, accountId))).map(hash -> {
      Map<String, String> fields = fields(hash);
      return fields.isEmpty() ? null : Account.of(fields);
    });
  }

  /** What {@link #setPlan} did. */
  public enum PlanWrite { SET, KEPT_NEWER, NO_ACCOUNT }

  /**
   * The account's plan as a subscription sync found it; a sync that began earlier ({@code syncedAtMs}) than the one
   * that last set it changes nothing, so syncs finishing out of order leave the newest answer.
   */
  public Future<PlanWrite> setPlan(String accountId, String plan, long syncedAtMs) {
    return SET_PLAN.run(redis, List.of(accountKey(shards, accountId)), List.of(plan, Long.toString(syncedAtMs)), timeoutMs)
        .map(reply -> switch (reply.toInteger()) {
          case 1 -> PlanWrite.SET;
          case 0 -> PlanWrite.KEPT_NEWER;
          default -> PlanWrite.NO_ACCOUNT;
        });
  }

  /** {@code keyHash}: of a key from {@link #newApiKey}, in the account's shard. */
  public Future<ApiKey> createKey(String accountId, String keyHash, String name, String prefix) {
    if (shards.of(keyHash) != shards.of(accountId)) {
      return Future.failedFuture(new IllegalArgumentException("API key not minted in its account's shard"));
    }
    String id = Tokens.id("key_", 16);
    String createdAt = clock.instant().toString();
    return KEY_CREATE.run(redis, List.of(apiKeyKey(shards, keyHash), accountKeysKey(shards, accountId)),
            List.of(id, accountId, name, prefix, createdAt, keyHash), timeoutMs)
        .map(reply -> {
          if (reply.toInteger() != 1) {
            throw new IllegalStateException("API key hash already taken");
          }
          return new ApiKey(id, accountId, name, prefix, createdAt, null);
        });
  }

  /** The account's keys, oldest first. */
  public Future<List<ApiKey>> keys(String accountId) {
    return send(Request.cmd(Command.HGETALL).arg(accountKeysKey(shards, accountId))).compose(index -> {
      List<Future<ApiKey>> reads = new ArrayList<>();
      fields(index).values().forEach(hash -> reads.add(keyByHash(hash)));
      return Future.all(reads).map(all -> {
        List<ApiKey> keys = new ArrayList<>();
        for (Future<ApiKey> read : reads) {
          if (read.result() != null) {
            keys.add(read.result());
          }
        }
        keys.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return keys;
      });
    });
  }

  /** False when the account has no key of that id. */
  public Future<Boolean> revokeKey(String accountId, String keyId) {
    return send(Request.cmd(Command.HGET).arg(accountKeysKey(shards, accountId)).arg(keyId)).compose(hash -> {
      if (hash == null) {
        return Future.succeededFuture(false);
      }
      String keyHash = hash.toString();
      if (shards.of(keyHash) == shards.of(accountId)) {
        return KEY_REVOKE.run(redis, List.of(accountKeysKey(shards, accountId), apiKeyKey(shards, keyHash)),
            List.of(keyId, keyHash), timeoutMs).map(reply -> reply.toInteger() == 1);
      }
      // A key made before keys were minted in their account's shard (scripts/migrate-keys leaves it in its own):
      // it stops working first, then leaves the list, so no step in between leaves a working unlisted key.
      return send(Request.cmd(Command.DEL).arg(apiKeyKey(shards, keyHash)))
          .compose(deleted -> send(Request.cmd(Command.HDEL).arg(accountKeysKey(shards, accountId)).arg(keyId)))
          .map(removed -> removed.toInteger() == 1);
    });
  }

  /** Null when no key has this hash (never made, or revoked). */
  public Future<ApiKey> keyByHash(String keyHash) {
    return send(Request.cmd(Command.HGETALL).arg(apiKeyKey(shards, keyHash))).map(hash -> {
      Map<String, String> fields = fields(hash);
      return fields.isEmpty() ? null : ApiKey.of(fields);
    });
  }

  /** Records that the key was used now; only if it still exists, so a revoked key is not brought back. */
  public Future<Void> touchKey(String keyHash) {
    return KEY_TOUCH.run(redis, List.of(apiKeyKey(shards, keyHash)), List.of(clock.instant().toString()), timeoutMs)
        .mapEmpty();
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }

  static Map<String, String> fields(Response hash) {
    Map<String, String> fields = new HashMap<>();
    if (hash == null) {
      return fields;
    }
    for (String key : hash.getKeys()) {
      fields.put(key, hash.get(key).toString());
    }
    return fields;
  }
}
