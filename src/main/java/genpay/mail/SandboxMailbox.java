package genpay.mail;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The built-in mailbox used when MAIL_URL is unset: every message is kept in Redis, newest first, so any node
 * shows it at {@code /sandbox/mail}. Nothing leaves the machine.
 */
public final class SandboxMailbox implements MailTransport {

  public static final String PREFIX = "/sandbox/mail";
  public static final String KEY = "sandbox:mail";
  public static final int KEEP = 1_000;
  public static final long TTL_SECONDS = 7L * 24 * 3600;

  private static final LuaScript STORE = LuaScript.fromResources("/lua/sandbox_mail_store.lua");

  private final Redis redis;
  private final Clock clock;
  private final long timeoutMs;

  public SandboxMailbox(Redis redis, Clock clock, long timeoutMs) {
    this.redis = redis;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Void> send(Mail mail) {
    JsonObject message = new JsonObject()
        .put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
        .put("to", mail.to())
        .put("subject", mail.subject())
        .put("text", mail.text())
        .put("html", mail.html())
        .put("sentAt", clock.instant().toString());
    return STORE.run(redis, List.of(KEY), List.of(message.encode(), String.valueOf(KEEP), String.valueOf(TTL_SECONDS)),
        timeoutMs).mapEmpty();
  }

  /** The newest {@code limit} messages, newest first: {@code [{id, to, subject, text, html, sentAt}]}. */
  public Future<JsonArray> messages(int limit) {
    return RedisClients.send(redis, Request.cmd(Command.LRANGE).arg(KEY).arg(0).arg(Math.max(0, limit - 1)), timeoutMs)
        .map(list -> {
          JsonArray messages = new JsonArray();
          if (list != null) {
            for (Response item : list) {
              messages.add(new JsonObject(item.toString()));
            }
          }
          return messages;
        });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
