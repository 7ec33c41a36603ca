package genpay.accounts;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
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
 * link token, cookie value or key is never stored.
 */
public final class AccountStore {

  public static final Duration LINK_TTL = Duration.ofMinutes(15);
  public static final Duration SESSION_TTL = Duration.ofDays(30);

  private static final LuaScript SIGN_IN = LuaScript.fromResources("/lua/account_sign_in.lua");
  private static final LuaScript KEY_CREATE = LuaScript.fromResources("/lua/apikey_create.lua");
  private static final LuaScript KEY_REVOKE = LuaScript.fromResources("/lua/apikey_revoke.lua");
  private static final LuaScript KEY_TOUCH = LuaScript.fromResources("/lua/apikey_touch.lua");
  private static final LuaScript SET_PLAN = LuaScript.fromResources("/lua/account_set_plan.lua");

  private final Redis redis;
  private final Clock clock;
  private final long timeoutMs;

  public AccountStore(Redis redis, Clock clock, long timeoutMs) {
    this.redis = redis;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  public static String linkKey(String tokenHash) {
    return "auth:link:" + tokenHash;
  }

  public static String sessionKey(String sessionHash) {
    return "auth:session:" + sessionHash;
  }

  public static String accountKey(String accountId) {
    return "account:" + accountId;
  }

  public static String emailKey(String email) {
    return "account:email:" + emailHash(email);
  }

  public static String emailHash(String email) {
    return Tokens.sha256(email.toLowerCase(Locale.ROOT));
  }

  public static String apiKeyKey(String keyHash) {
    return "apikey:" + keyHash;
  }

  public static String accountKeysKey(String accountId) {
    return "account:keys:" + accountId;
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

  /** The account of this address (made now when it has none), and a new session for it. */
  public Future<SignIn> signIn(String email, String sessionHash) {
    String newId = Tokens.id("acc_", 24);
    return SIGN_IN.run(redis, List.of(emailKey(email), accountKey(newId), sessionKey(sessionHash)),
            List.of(newId, email, clock.instant().toString(), String.valueOf(SESSION_TTL.toSeconds())), timeoutMs)
        .map(reply -> new SignIn(reply.get(0).toString(), reply.get(1).toInteger() == 1));
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
    return send(Request.cmd(Command.HGETALL).arg(accountKey(accountId))).map(hash -> {
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
    return SET_PLAN.run(redis, List.of(accountKey(accountId)), List.of(plan, Long.toString(syncedAtMs)), timeoutMs)
        .map(reply -> switch (reply.toInteger()) {
          case 1 -> PlanWrite.SET;
          case 0 -> PlanWrite.KEPT_NEWER;
          default -> PlanWrite.NO_ACCOUNT;
        });
  }

  public Future<ApiKey> createKey(String accountId, String keyHash, String name, String prefix) {
    String id = Tokens.id("key_", 16);
    String createdAt = clock.instant().toString();
    return KEY_CREATE.run(redis, List.of(apiKeyKey(keyHash), accountKeysKey(accountId)),
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
    return send(Request.cmd(Command.HGETALL).arg(accountKeysKey(accountId))).compose(index -> {
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
    return send(Request.cmd(Command.HGET).arg(accountKeysKey(accountId)).arg(keyId)).compose(hash -> hash == null
        ? Future.succeededFuture(false)
        : KEY_REVOKE.run(redis, List.of(accountKeysKey(accountId), apiKeyKey(hash.toString())),
            List.of(keyId, hash.toString()), timeoutMs).map(reply -> reply.toInteger() == 1));
  }

  /** Null when no key has this hash (never made, or revoked). */
  public Future<ApiKey> keyByHash(String keyHash) {
    return send(Request.cmd(Command.HGETALL).arg(apiKeyKey(keyHash))).map(hash -> {
      Map<String, String> fields = fields(hash);
      return fields.isEmpty() ? null : ApiKey.of(fields);
    });
  }

  /** Records that the key was used now; only if it still exists, so a revoked key is not brought back. */
  public Future<Void> touchKey(String keyHash) {
    return KEY_TOUCH.run(redis, List.of(apiKeyKey(keyHash)), List.of(clock.instant().toString()), timeoutMs)
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
