package genpay.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import genpay.CapturedLog;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.mail.MailTestSupport.attempts;
import static genpay.mail.MailTestSupport.cause;
import static genpay.mail.MailTestSupport.count;
import static genpay.mail.MailTestSupport.fastEnv;
import static genpay.mail.MailTestSupport.inOutbox;
import static genpay.mail.MailTestSupport.markedSent;
import static genpay.mail.MailTestSupport.order;
import static genpay.mail.MailTestSupport.paid;
import static genpay.mail.MailTestSupport.tries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mail server that is down loses nothing: the message waits in the outbox and goes once the server is up. */
class SmtpOutageTest {

  private static final String PASSWORD = "Mail+Pass_" + "k3J9vQ2x";

  @Test
  void aMessageWaitsWhileTheServerIsDownAndArrivesOnceWhenItIsUp() throws Exception {
    int port = TestEngine.freePort();
    try (TestEngine genpay = TestEngine.start(fastEnv(Map.of(
        "MAIL_URL", "smtp://mailer:" + PASSWORD.replace("+", "%2B") + "@127.0.0.1:" + port,
        "MAIL_RETRY_MAX_SECONDS", "1")))) {
      String sessionId = order(genpay, 1, "rain on a tin roof", "en", null);
      String cause = cause(sessionId);
      Future<JsonObject> twoFailures = tries(genpay, cause, "failed", 2);
      Future<JsonObject> ended = genpay.reaches(sessionId, "completed", "error");
      paid(genpay, sessionId, "patient@example.test");
      assertEquals("completed", await(ended).getString("status"));
      assertEquals(2, await(twoFailures).getInteger("attempts"));

      assertTrue(inOutbox(genpay, cause), "the message waits in the outbox");
      assertFalse(markedSent(genpay, cause));
      assertTrue(attempts(genpay, cause) >= 2, "the attempts are counted in Redis");
      assertTrue(count(genpay, "failed") >= 2, "failures are counted in metrics");
      assertEquals(0, count(genpay, "sent"));
      String metrics = await(genpay.http.get("/metrics").send()).bodyAsString();
      assertTrue(metrics.lines().anyMatch(line -> line.startsWith("genpay_mail_total{outcome=\"failed\"}")
          && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 2), metrics);

      GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.setUser("mailer", PASSWORD);
      Future<JsonObject> sent = tries(genpay, cause, "sent", 1);
      smtp.start();
      try {
        await(sent);
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length);
        assertEquals("patient@example.test", received[0].getAllRecipients()[0].toString());
        assertEquals("Your video is ready", received[0].getSubject());
        assertFalse(inOutbox(genpay, cause), "sent and gone from the outbox");
        assertTrue(markedSent(genpay, cause));
        assertEquals(0, attempts(genpay, cause), "the attempt count is cleared with the send");
        assertEquals(1, count(genpay, "sent"));
      } finally {
        smtp.stop();
      }
    }
    // GreenMail's own threads ([smtp:...]) log what the test server received; the engine's lines are the rest.
    for (String line : CapturedLog.lines().stream().filter(line -> !line.contains("[smtp:")).toList()) {
      assertFalse(line.contains(PASSWORD), "a log line holds the mail password: " + line);
      assertFalse(line.contains("patient@example.test"), "a log line holds the buyer's address: " + line);
    }
    assertTrue(CapturedLog.lines().stream().anyMatch(line -> line.contains("sent to an address at example.test")));
  }
}
