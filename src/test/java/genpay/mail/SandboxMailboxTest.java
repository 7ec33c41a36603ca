package genpay.mail;

import genpay.TestKeys;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static genpay.TestEngine.await;
import static genpay.mail.MailTestSupport.cause;
import static genpay.mail.MailTestSupport.count;
import static genpay.mail.MailTestSupport.fastEnv;
import static genpay.mail.MailTestSupport.fileIds;
import static genpay.mail.MailTestSupport.inOutbox;
import static genpay.mail.MailTestSupport.order;
import static genpay.mail.MailTestSupport.paid;
import static genpay.mail.MailTestSupport.tries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without MAIL_URL, every message is kept in the sandbox mailbox and shown at /sandbox/mail. */
class SandboxMailboxTest {

  private static TestEngine genpay;
  private static String app;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(fastEnv(Map.of()));
    app = genpay.settings().appUrl();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  @Test
  void messagesAppearNewestFirstAsJsonAndOnThePageWithWorkingLinks() throws Exception {
    String german = order(genpay, 1, "ein roter Milan", "de", "Clips <b>bold</b> & more");
    mailed(german, "kaeufer@example.test");
    String english = order(genpay, 1, "a red kite", "en", null);
    mailed(english, "buyer@example.test");

    HttpResponse<Buffer> api = await(genpay.http.get("/sandbox/mail/api/messages").send());
    assertEquals(200, api.statusCode());
    assertTrue(api.getHeader("Content-Type").startsWith("application/json"));
    JsonArray messages = api.bodyAsJsonArray();
    List<JsonObject> ours = messages.stream().map(JsonObject.class::cast)
        .filter(m -> Set.of("kaeufer@example.test", "buyer@example.test").contains(m.getString("to"))).toList();
    assertEquals(2, ours.size(), messages.encodePrettily());
    assertEquals("buyer@example.test", ours.get(0).getString("to"), "newest first");
    JsonObject message = ours.get(1);
    assertEquals(Set.of("id", "to", "subject", "text", "html", "sentAt"), message.fieldNames());
    assertEquals("Ihr Video ist fertig", message.getString("subject"));
    Instant sentAt = Instant.parse(message.getString("sentAt"));
    assertFalse(sentAt.isAfter(Instant.parse(ours.get(0).getString("sentAt"))));
    String orderLink = app + "/de/payment-success/" + german;
    String fileLink = app + "/de/file/" + fileIds(genpay, german).getString(0);
    assertTrue(message.getString("text").contains("Ihre Bestellung: " + orderLink), message.getString("text"));
    assertTrue(message.getString("text").contains("Video 1: " + fileLink), message.getString("text"));
    assertTrue(message.getString("html").contains("href=\"" + fileLink + "\""), message.getString("html"));
    for (String link : List.of(orderLink, fileLink)) {
      assertEquals(200, await(genpay.http.get(URI.create(link).getPath()).send()).statusCode(), link + " works");
    }

    HttpResponse<Buffer> page = await(genpay.http.get("/sandbox/mail").send());
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    String html = page.bodyAsString();
    assertTrue(html.contains("Sandbox mailbox"), html);
    assertTrue(html.contains("<a href=\"" + orderLink + "\">" + orderLink + "</a>"), "links are clickable: " + html);
    assertTrue(html.contains("<a href=\"" + fileLink + "\">"), html);
    assertTrue(html.contains("Clips &lt;b&gt;bold&lt;/b&gt; &amp; more"), "what came from the order is escaped");
    assertFalse(html.contains("<b>bold</b>"), html);
    assertTrue(html.indexOf(english) < html.indexOf(german), "newest first on the page too");
  }

  @Test
  void causesWithNothingToSendAreDroppedAndCounted() {
    double droppedBefore = count(genpay, "dropped");
    int messagesBefore = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray().size();
    String gone = cause("cs_test_NoSuchOrderHere");
    String unknownKind = "no-such-kind:1";
    Future<JsonObject> goneDropped = tries(genpay, gone, "dropped", 1);
    Future<JsonObject> kindDropped = tries(genpay, unknownKind, "dropped", 1);
    MailOutbox outbox = new MailOutbox(genpay.redis, TestKeys.SHARDS, 3_000);
    long now = System.currentTimeMillis();
    assertTrue(await(outbox.enqueue(gone, now)));
    assertTrue(await(outbox.enqueue(unknownKind, now)));
    await(Future.all(goneDropped, kindDropped));
    assertFalse(inOutbox(genpay, gone));
    assertFalse(inOutbox(genpay, unknownKind));

    // An address no mail server would ever take is dropped at once, not retried for the order's lifetime.
    String sessionId = order(genpay, 1, "a heron", "en", null);
    Future<JsonObject> badDropped = tries(genpay, cause(sessionId), "dropped", 1);
    Future<JsonObject> ended = genpay.reaches(sessionId, "completed", "error");
    paid(genpay, sessionId, "buyer@example.test\r\nBcc: everyone@example.test");
    await(ended);
    await(badDropped);
    assertFalse(inOutbox(genpay, cause(sessionId)));
    assertEquals(droppedBefore + 3, count(genpay, "dropped"));
    assertEquals(0, count(genpay, "failed"));
    assertEquals(messagesBefore, await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray().size());
  }

  private static void mailed(String sessionId, String email) {
    Future<JsonObject> sent = tries(genpay, cause(sessionId), "sent", 1);
    Future<JsonObject> ended = genpay.reaches(sessionId, "completed", "error");
    paid(genpay, sessionId, email);
    assertEquals("completed", await(ended).getString("status"));
    await(sent);
  }
}
