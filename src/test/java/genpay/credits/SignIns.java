package genpay.credits;

import genpay.TestEngine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sign-in of a new account through the sandbox mailbox, for tests of the credits API and pages. */
public final class SignIns {

  private static final Pattern LINK = Pattern.compile("/auth/verify\\?token=([A-Za-z0-9_-]{43})");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private SignIns() {
  }

  /** Asks for a sign-in link for a new address and reads its token out of the sandbox mailbox. */
  public static String linkToken(TestEngine engine) {
    String email = "credits." + SEQUENCE.incrementAndGet() + "x" + System.nanoTime() + "@example.test";
    int n = SEQUENCE.incrementAndGet();
    HttpResponse<Buffer> asked = await(engine.http.post("/api/auth/email-link")
        .putHeader("X-Forwarded-For", "10.9." + (n / 256 % 256) + "." + (n % 256))
        .sendJsonObject(new JsonObject().put("email", email)));
    assertEquals(202, asked.statusCode(), asked.bodyAsString());
    JsonArray messages = await(engine.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      Matcher link = LINK.matcher(message.getString("text"));
      if (email.equals(message.getString("to")) && link.find()) {
        return link.group(1);
      }
    }
    throw new AssertionError("no sign-in mail to " + email);
  }

  /** Signs a new account in through the sandbox mailbox; returns its session cookie value. */
  public static String signIn(TestEngine engine) {
    HttpResponse<Buffer> verified = await(engine.http.get("/auth/verify?token=" + linkToken(engine)).send());
    assertEquals(303, verified.statusCode());
    for (String cookie : verified.cookies()) {
      if (cookie.startsWith("gp_session=")) {
        return cookie.substring("gp_session=".length(), cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no session cookie");
  }
}
