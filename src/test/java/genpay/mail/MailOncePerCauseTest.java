package genpay.mail;

import genpay.TestKeys;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.mail.MailTestSupport.cause;
import static genpay.mail.MailTestSupport.count;
import static genpay.mail.MailTestSupport.fastEnv;
import static genpay.mail.MailTestSupport.firstOf;
import static genpay.mail.MailTestSupport.inOutbox;
import static genpay.mail.MailTestSupport.markedSent;
import static genpay.mail.MailTestSupport.order;
import static genpay.mail.MailTestSupport.paid;
import static genpay.mail.MailTestSupport.roundFrom;
import static genpay.mail.MailTestSupport.tries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes on one Redis, both sending from the same outbox to the same server, and a restart: one message. */
class MailOncePerCauseTest {

  /** Longer than a round (1 s): without the lease, the other node would claim the cause while this one sends. */
  private static final long GREETING_DELAY_MS = 2_500;

  @TempDir
  Path dataDir;

  @Test
  void twoNodesAndARestartSendTheMessageOfACauseOnce() throws Exception {
    int smtpPort = TestEngine.freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    Vertx proxyVertx = Vertx.vertx();
    SlowGreetingProxy slow = SlowGreetingProxy.start(proxyVertx, smtpPort, GREETING_DELAY_MS);
    Map<String, String> mail = Map.of("MAIL_URL", "smtp://127.0.0.1:" + slow.port());
    Map<String, String> owner = new HashMap<>(mail);
    owner.put("DATA_DIR", dataDir.toString());
    owner.put("EMBEDDED_REDIS_PORT", String.valueOf(TestEngine.freePort()));
    try {
      String sessionId;
      try (TestEngine first = TestEngine.start(fastEnv(owner));
           TestEngine second = TestEngine.start(fastEnv(with(mail, "REDIS_URL", first.settings().redisUrl())))) {
        sessionId = order(first, 2, "two lighthouses", "en", null);
        String cause = cause(sessionId);
        Future<JsonObject> sentByFirst = tries(first, cause, "sent", 1);
        Future<JsonObject> sentBySecond = tries(second, cause, "sent", 1);
        paid(first, sessionId, "twice@example.test");
        await(Future.any(sentByFirst, sentBySecond));
        // Sent and marked: a round of each node that began after this has settled whatever either had begun.
        long marked = System.currentTimeMillis();
        await(Future.all(roundFrom(first, marked), roundFrom(second, marked)));

        assertEquals(1, smtp.getReceivedMessages().length, "one message, though both nodes send");
        assertEquals("Your videos are ready", smtp.getReceivedMessages()[0].getSubject());
        assertFalse(inOutbox(first, cause));
        assertTrue(markedSent(first, cause));
        assertEquals(1, count(first, "sent") + count(second, "sent"));
        assertEquals(0, count(first, "failed") + count(second, "failed"));
      }

      // Both nodes stop and start again on the same Redis (its AOF keeps the sent mark).
      try (TestEngine first = TestEngine.start(fastEnv(owner));
           TestEngine second = TestEngine.start(fastEnv(with(mail, "REDIS_URL", first.settings().redisUrl())))) {
        String cause = cause(sessionId);
        assertTrue(markedSent(first, cause), "the sent mark survived the restart");
        assertFalse(inOutbox(first, cause));
        // A repeat of the cause (a replayed enqueue) after the restart finds it sent and sends nothing.
        Future<JsonObject> skippedByFirst = tries(first, cause, "already-sent", 1);
        Future<JsonObject> skippedBySecond = tries(second, cause, "already-sent", 1);
        Future<JsonObject> resentByFirst = tries(first, cause, "sent", 1);
        Future<JsonObject> resentBySecond = tries(second, cause, "sent", 1);
        assertTrue(await(new MailOutbox(first.redis, TestKeys.SHARDS, 3_000).enqueue(cause, System.currentTimeMillis())));
        JsonObject outcome = await(firstOf(skippedByFirst, skippedBySecond, resentByFirst, resentBySecond));
        assertEquals("already-sent", outcome.getString("outcome"));
        long skipped = System.currentTimeMillis();
        await(Future.all(roundFrom(first, skipped), roundFrom(second, skipped)));
        assertFalse(inOutbox(first, cause));
        assertEquals(1, smtp.getReceivedMessages().length, "nothing more after the restart");
        assertEquals(0, count(first, "sent") + count(second, "sent"));
        assertEquals(0L, await(first.redis.send(Request.cmd(Command.ZCARD).arg(MailOutbox.outboxKey(TestKeys.SHARDS, cause)))).toLong());
      }
    } finally {
      slow.close();
      await(proxyVertx.close());
      smtp.stop();
    }
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> env = new HashMap<>(base);
    env.put(key, value);
    return env;
  }
}
