package genpay.mail;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable outbox of e-mail in Redis, one per shard: the sorted set {@code mail:outbox:{sN}} of causes (what a
 * message is about, e.g. {@code order-ended:{sessionId}}) scored by when each may be sent next, the attempt count
 * of each in the hash {@code mail:attempts:{sN}}, and {@code mail:sent:{sN}:{cause}} for 30 days once its message
 * went out. A cause lives in the shard of what it is about (the part after its kind), so scripts in the session
 * store add an order's cause in the same script as the change that causes it.
 */
public final class MailOutbox {

  /** Long enough that any repeat of a cause (a replayed script, a resend) finds it sent. */
  public static final long SENT_TTL_SECONDS = 30L * 24 * 3600;
  public static final String ORDER_ENDED = "order-ended:";
  /** {@code credits-bought:{checkout session id}}: queued once a credits purchase is granted. */
  public static final String CREDITS_BOUGHT = "credits-bought:";
  /** {@code subscription-payment-failed:{invoice id}}: a subscription's payment failed; once per invoice. */
  public static final String SUBSCRIPTION_PAYMENT_FAILED = "subscription-payment-failed:";

  private static final LuaScript CLAIM = LuaScript.fromResources("/lua/mail_claim.lua");
  private static final LuaScript SENT = LuaScript.fromResources("/lua/mail_sent.lua");
  private static final LuaScript RETRY = LuaScript.fromResources("/lua/mail_retry.lua");
  private static final LuaScript DROP = LuaScript.fromResources("/lua/mail_drop.lua");

  private final Redis redis;
  private final Shards shards;
  private final long timeoutMs;

  public MailOutbox(Redis redis, Shards shards, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
  }

  /**
   * {@code order-ended:{id}:resend:{n}}: an admin's resend of an order's message (genpay.admin), a cause of its
   * own so the outbox sends it although the first went out.
   */
  public static final String RESEND = ":resend:";

  /**
   * The tag of a cause's shard: that of what it is about ({@code order-ended:cs_1} → the order's; a resend's
   * suffix left out, so it lives with its order).
   */
  public static String tagOf(Shards shards, String cause) {
    return shards.tagOf(subjectOf(cause.substring(cause.indexOf(':') + 1)));
  }

  /** What a cause after its kind is about, without a resend's suffix. */
  public static String subjectOf(String afterKind) {
    int resend = afterKind.indexOf(RESEND);
    return resend < 0 ? afterKind : afterKind.substring(0, resend);
  }

  public static String outboxKey(Shards shards, String cause) {
    return RedisKeys.mailOutbox(tagOf(shards, cause));
  }

  public static String sentKey(Shards shards, String cause) {
    return RedisKeys.mailSent(tagOf(shards, cause), cause);
  }

  /** A cause to mail about, not before {@code notBeforeMs}; a cause already waiting keeps its time. */
  public Future<Boolean> enqueue(String cause, long notBeforeMs) {
    return RedisClients.send(redis, Request.cmd(Command.ZADD).arg(outboxKey(shards, cause)).arg("NX")
        .arg(notBeforeMs).arg(cause), timeoutMs).map(added -> added.toInteger() == 1);
  }

  /**
   * Leases up to {@code limit} due causes of each shard until {@code leaseEndMs}; causes already sent leave the
   * outbox. One script per shard: a shard with nothing due answers at once.
   */
  public Future<Claim> claim(long nowMs, long leaseEndMs, int limit) {
    List<Future<Claim>> claims = shards.tags().stream()
        .map(tag -> CLAIM.run(redis, List.of(RedisKeys.mailOutbox(tag), RedisKeys.mailAttempts(tag)),
            List.of(String.valueOf(nowMs), String.valueOf(leaseEndMs), String.valueOf(limit)), timeoutMs)
            .map(MailOutbox::claimed))
        .toList();
    return Future.all(claims).map(all -> {
      List<Due> due = new ArrayList<>();
      List<String> alreadySent = new ArrayList<>();
      claims.forEach(claim -> {
        due.addAll(claim.result().due());
        alreadySent.addAll(claim.result().alreadySent());
      });
      return new Claim(due, alreadySent);
    });
  }

  public Future<Void> markSent(String cause, long nowMs) {
    String tag = tagOf(shards, cause);
    return SENT.run(redis, List.of(RedisKeys.mailOutbox(tag), RedisKeys.mailAttempts(tag), RedisKeys.mailSent(tag, cause)),
        List.of(cause, String.valueOf(nowMs), String.valueOf(SENT_TTL_SECONDS)), timeoutMs).mapEmpty();
  }

  /** Answers false when the cause has left the outbox meanwhile (sent or dropped by another node). */
  public Future<Boolean> retryAt(String cause, int attempts, long notBeforeMs) {
    String tag = tagOf(shards, cause);
    return RETRY.run(redis, List.of(RedisKeys.mailOutbox(tag), RedisKeys.mailAttempts(tag)),
        List.of(cause, String.valueOf(attempts), String.valueOf(notBeforeMs)), timeoutMs)
        .map(kept -> kept.toInteger() == 1);
  }

  public Future<Void> drop(String cause) {
    String tag = tagOf(shards, cause);
    return DROP.run(redis, List.of(RedisKeys.mailOutbox(tag), RedisKeys.mailAttempts(tag)), List.of(cause), timeoutMs)
        .mapEmpty();
  }

  private static Claim claimed(Response response) {
    List<Due> due = new ArrayList<>();
    for (Response pair : response.get(0)) {
      due.add(new Due(pair.get(0).toString(), Integer.parseInt(pair.get(1).toString())));
    }
    List<String> alreadySent = new ArrayList<>();
    for (Response cause : response.get(1)) {
      alreadySent.add(cause.toString());
    }
    return new Claim(due, alreadySent);
  }

  /** A leased cause and how many sends of it have failed before. */
  public record Due(String cause, int attempts) {
  }

  public record Claim(List<Due> due, List<String> alreadySent) {
  }
}
