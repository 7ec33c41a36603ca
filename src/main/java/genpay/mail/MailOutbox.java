package genpay.mail;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable outbox of e-mail in Redis: the sorted set {@code mail:outbox} of causes (what a message is about,
 * e.g. {@code order-ended:{sessionId}}) scored by when each may be sent next, the attempt count of each in the
 * hash {@code mail:attempts}, and {@code mail:sent:{cause}} for 30 days once its message went out.
 * Scripts in the session store add causes in the same script as the change that causes them.
 */
public final class MailOutbox {

  public static final String OUTBOX = RedisKeys.MAIL_OUTBOX;
  public static final String ATTEMPTS = "mail:attempts";
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
  private final long timeoutMs;

  public MailOutbox(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  public static String sentKey(String cause) {
    return "mail:sent:" + cause;
  }

  /** A cause to mail about, not before {@code notBeforeMs}; a cause already waiting keeps its time. */
  public Future<Boolean> enqueue(String cause, long notBeforeMs) {
    return RedisClients.send(redis, Request.cmd(Command.ZADD).arg(OUTBOX).arg("NX").arg(notBeforeMs).arg(cause),
        timeoutMs).map(added -> added.toInteger() == 1);
  }

  /** Leases up to {@code limit} due causes until {@code leaseEndMs}; causes already sent leave the outbox. */
  public Future<Claim> claim(long nowMs, long leaseEndMs, int limit) {
    return CLAIM.run(redis, List.of(OUTBOX, ATTEMPTS), List.of(String.valueOf(nowMs), String.valueOf(leaseEndMs),
        String.valueOf(limit)), timeoutMs).map(MailOutbox::claimed);
  }

  public Future<Void> markSent(String cause, long nowMs) {
    return SENT.run(redis, List.of(OUTBOX, ATTEMPTS, sentKey(cause)),
        List.of(cause, String.valueOf(nowMs), String.valueOf(SENT_TTL_SECONDS)), timeoutMs).mapEmpty();
  }

  /** Answers false when the cause has left the outbox meanwhile (sent or dropped by another node). */
  public Future<Boolean> retryAt(String cause, int attempts, long notBeforeMs) {
    return RETRY.run(redis, List.of(OUTBOX, ATTEMPTS),
        List.of(cause, String.valueOf(attempts), String.valueOf(notBeforeMs)), timeoutMs)
        .map(kept -> kept.toInteger() == 1);
  }

  public Future<Void> drop(String cause) {
    return DROP.run(redis, List.of(OUTBOX, ATTEMPTS), List.of(cause), timeoutMs).mapEmpty();
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
