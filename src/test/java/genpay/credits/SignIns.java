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

  /** An address no test has used. */
  public static String newEmail() {
    return "credits." + SEQUENCE.incrementAndGet() + "x" + System.nanoTime() + "@example.test";
  }

  /** Asks for a sign-in link for a new address and reads its token out of the sandbox mailbox. */
  public static String linkToken(TestEngine engine) {
    return linkToken(engine, newEmail());
  }

  /**
   * Asks for a sign-in link for {@code email} (from a client address of its own, so the per-IP limit never
   * binds across tests) and reads its token out of the sandbox mailbox.
   */
  public static String linkToken(TestEngine engine, String email) {
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
    return signIn(engine, newEmail());
  }

  /** Signs {@code email} in through the sandbox mailbox; returns its session cookie value. */
  public static String signIn(TestEngine engine, String email) {
    HttpResponse<Buffer> verified = await(engine.http.get("/auth/verify?token=" + linkToken(engine, email)).send());
    assertEquals(303, verified.statusCode(), verified.bodyAsString());
    for (String cookie : verified.cookies()) {
      if (cookie.startsWith("gp_session=")) {
        return cookie.substring("gp_session=".length(), cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no session cookie");
  }
}
