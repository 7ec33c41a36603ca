package genpay.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.mail.MailTestSupport.cause;
import static genpay.mail.MailTestSupport.count;
import static genpay.mail.MailTestSupport.fastEnv;
import static genpay.mail.MailTestSupport.fileIds;
import static genpay.mail.MailTestSupport.inOutbox;
import static genpay.mail.MailTestSupport.markedSent;
import static genpay.mail.MailTestSupport.order;
import static genpay.mail.MailTestSupport.paid;
import static genpay.mail.MailTestSupport.tries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real SMTP: the engine sends to a GreenMail server on loopback, which the test then reads. */
class SmtpDeliveryTest {

  private static GreenMail smtp;
  private static TestEngine genpay;
  private static String app;

  @BeforeAll
  static void start() throws Exception {
    int port = TestEngine.freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    genpay = TestEngine.start(fastEnv(Map.of("MAIL_URL", "smtp://127.0.0.1:" + port)));
    app = genpay.settings().appUrl();
  }

  @AfterAll
  static void stop() {
    genpay.close();
    smtp.stop();
  }

  @Test
  void aCompletedOrderMailsTheBuyerOnceWithALinkToEachVideoAndTheOrder() throws Exception {
    double sentBefore = count(genpay, "sent");
    String sessionId = order(genpay, 2, "a fox in fresh snow", "en", null);
    Future<JsonObject> sent = tries(genpay, cause(sessionId), "sent", 1);
    Future<JsonObject> ended = genpay.reaches(sessionId, "completed", "error");
    paid(genpay, sessionId, "buyer-ready@example.test");
    assertEquals("completed", await(ended).getString("status"));
    await(sent);

    List<MimeMessage> received = to("buyer-ready@example.test");
    assertEquals(1, received.size(), "exactly one message");
    MimeMessage message = received.get(0);
    assertEquals("Your videos are ready", message.getSubject());
    assertEquals(List.of("buyer-ready@example.test"),
        Arrays.stream(message.getAllRecipients()).map(Address::toString).toList());
    assertTrue(message.getFrom()[0].toString().contains("no-reply@[127.0.0.1]"), message.getFrom()[0].toString());
    String text = MailTestSupport.text(message);
    String html = MailTestSupport.html(message);
    assertTrue(text.contains("Your order: " + app + "/en/payment-success/" + sessionId), text);
    assertTrue(html.contains("href=\"" + app + "/en/payment-success/" + sessionId + "\""), html);
    var files = fileIds(genpay, sessionId);
    assertEquals(2, files.size());
    for (int i = 0; i < files.size(); i++) {
      String link = app + "/en/file/" + files.getString(i);
      assertTrue(text.contains("Video " + (i + 1) + ": " + link), text);
      assertTrue(html.contains("href=\"" + link + "\""), html);
    }
    // The video's own link is the engine's, which never goes stale (section 20), not the provider's.
    assertTrue(text.contains("Download: " + app + "/media/" + files.getString(0)), "the video's own URL: " + text);
    assertFalse(text.contains("/sandbox/provider/"), text);

    assertFalse(inOutbox(genpay, cause(sessionId)), "the cause left the outbox");
    assertTrue(markedSent(genpay, cause(sessionId)), "the cause is remembered as sent");
    assertEquals(sentBefore + 1, count(genpay, "sent"));
    String metrics = await(genpay.http.get("/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("genpay_mail_total{outcome=\"sent\"}"), metrics);
  }

  @Test
  void aFailedOrderSaysWhichVideoFailedAndWhatIsRefunded() throws Exception {
    String sessionId = order(genpay, 1, "[sandbox:reject] a fox", "en", null);
    Future<JsonObject> sent = tries(genpay, cause(sessionId), "sent", 1);
    Future<JsonObject> ended = genpay.reaches(sessionId, "completed", "error");
    paid(genpay, sessionId, "buyer-failed@example.test");
    assertEquals("error", await(ended).getString("status"));
    await(sent);

    List<MimeMessage> received = to("buyer-failed@example.test");
    assertEquals(1, received.size());
    MimeMessage message = received.get(0);
    assertEquals("Your video could not be made", message.getSubject());
    String text = MailTestSupport.text(message);
    // The message waits for the refund to reach Stripe, so it can say it was made.
    assertTrue(text.matches("(?s).*Video 1 could not be made; \\$5\\.00 was refunded to your card\\..*"), text);
    assertTrue(text.contains(app + "/en/payment-success/" + sessionId), text);
    assertFalse(text.contains("/en/file/"), "no link to a video that was not made: " + text);
  }

  private static List<MimeMessage> to(String recipient) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
      try {
        return Arrays.stream(message.getAllRecipients()).anyMatch(address -> address.toString().equals(recipient));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }
}
