package genpay.mail;

import genpay.sessions.RedisKeys;
import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static genpay.TestEngine.await;

/** Orders paid with an e-mail address, the notices of the mail sender, and what the outbox holds. */
final class MailTestSupport {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private MailTestSupport() {
  }

  /** An engine whose orders finish within seconds and whose webhooks come only from the test. */
  static Map<String, String> fastEnv(Map<String, String> more) {
    Map<String, String> env = new HashMap<>();
    env.put("SANDBOX_STRIPE_WEBHOOKS", "false");
    env.put("SANDBOX_GENERATION_SECONDS", "1");
    env.put("FOLLOW_FIRST_DELAY_MS", "100");
    env.put("FOLLOW_MAX_DELAY_MS", "300");
    env.putAll(more);
    return env;
  }

  static String order(TestEngine genpay, int videos, String prompt, String locale, String toolTitle) {
    JsonObject body = new JsonObject().put("quantity", videos).put("prompt", prompt).put("locale", locale);
    if (toolTitle != null) {
      body.put("toolTitle", toolTitle);
    }
    HttpResponse<Buffer> created = await(genpay.http.post("/api/create-checkout").sendJsonObject(body));
    if (created.statusCode() != 200) {
      throw new IllegalStateException("create-checkout answered " + created.statusCode() + ": " + created.bodyAsString());
    }
    return created.bodyAsJsonObject().getString("sessionId");
  }

  /**
   * Pays on the sandbox's checkout page (so the payment intent is real, for refunds), then posts Checkout's
   * checkout.session.completed with the buyer's e-mail, signed: the e-mail may be one the page could not send.
   */
  static void paid(TestEngine genpay, String sessionId, String email) {
    genpay.clickOnCheckoutPage(sessionId, "paid");
    String paymentIntent = await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.stripeSandbox("cs", sessionId))
        .arg("payment_intent"))).toString();
    JsonObject event = new JsonObject()
        .put("id", "evt_test_mail" + System.nanoTime() + "x" + SEQUENCE.incrementAndGet())
        .put("object", "event")
        .put("api_version", "2026-07-29.dahlia")
        .put("created", System.currentTimeMillis() / 1000)
        .put("livemode", false)
        .put("type", "checkout.session.completed")
        .put("data", new JsonObject().put("object", new JsonObject()
            .put("id", sessionId).put("object", "checkout.session")
            .put("status", "complete").put("payment_status", "paid").put("mode", "payment")
            .put("payment_intent", paymentIntent)
            .put("customer_details", new JsonObject().put("email", email))
            .put("metadata", new JsonObject())));
    String payload = event.encode();
    String signature = StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    HttpResponse<Buffer> answer = await(genpay.http.post("/api/webhooks/stripe")
        .putHeader("Content-Type", "application/json").putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload)));
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("the webhook answered " + answer.statusCode() + ": " + answer.bodyAsString());
    }
  }

  /**
   * Completes with the notice once {@code count} tries of this cause ended with {@code outcome} on this engine.
   * Listens from the moment it is called: call it before what causes them.
   */
  static Future<JsonObject> tries(TestEngine genpay, String cause, String outcome, int count) {
    Promise<JsonObject> reached = Promise.promise();
    AtomicInteger seen = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(Addresses.MAIL_ATTEMPTED);
    consumer.handler(message -> {
      JsonObject notice = message.body();
      if (cause.equals(notice.getString("cause")) && outcome.equals(notice.getString("outcome"))
          && seen.incrementAndGet() == count) {
        consumer.unregister();
        reached.tryComplete(notice);
      }
    });
    await(consumer.completion());
    return reached.future();
  }

  /**
   * Completes when this engine ends a round of the outbox that began at or after {@code from} (ms): every send
   * it had begun before then is settled.
   */
  static Future<Void> roundFrom(TestEngine genpay, long from) {
    Promise<Void> done = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(Addresses.MAIL_ROUND_DONE);
    consumer.handler(message -> {
      if (message.body().getLong("startedAt") >= from) {
        consumer.unregister();
        done.tryComplete();
      }
    });
    await(consumer.completion());
    return done.future();
  }

  /** The notice that comes first of these. */
  @SafeVarargs
  static Future<JsonObject> firstOf(Future<JsonObject>... notices) {
    Promise<JsonObject> first = Promise.promise();
    for (Future<JsonObject> notice : notices) {
      notice.onSuccess(first::tryComplete);
    }
    return first.future();
  }

  static String cause(String sessionId) {
    return MailOutbox.ORDER_ENDED + sessionId;
  }

  static boolean inOutbox(TestEngine genpay, String cause) {
    return await(genpay.redis.send(Request.cmd(Command.ZSCORE).arg(MailOutbox.outboxKey(TestKeys.SHARDS, cause)).arg(cause))) != null;
  }

  static boolean markedSent(TestEngine genpay, String cause) {
    return await(genpay.redis.send(Request.cmd(Command.EXISTS).arg(MailOutbox.sentKey(TestKeys.SHARDS, cause)))).toInteger() == 1;
  }

  static int attempts(TestEngine genpay, String cause) {
    Response attempts = await(genpay.redis.send(Request.cmd(Command.HGET)
        .arg(RedisKeys.mailAttempts(MailOutbox.tagOf(TestKeys.SHARDS, cause))).arg(cause)));
    return attempts == null ? 0 : attempts.toInteger();
  }

  static double count(TestEngine genpay, String outcome) {
    var counter = genpay.engine.registry().find("genpay.mail").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  static JsonArray fileIds(TestEngine genpay, String sessionId) {
    JsonObject snapshot = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
    JsonArray ids = new JsonArray();
    snapshot.getJsonArray("files").forEach(file -> ids.add(((JsonObject) file).getString("id")));
    return ids;
  }

  /** The text/plain part of a message as received. */
  static String text(Part part) throws Exception {
    if (part.isMimeType("text/plain")) {
      return (String) part.getContent();
    }
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        String text = text(body);
        if (text != null) {
          return text;
        }
      }
    }
    return null;
  }

  /** The text/html part of a message as received. */
  static String html(Part part) throws Exception {
    if (part.isMimeType("text/html")) {
      return (String) part.getContent();
    }
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        String html = html(multipart.getBodyPart(i));
        if (html != null) {
          return html;
        }
      }
    }
    return null;
  }
}
