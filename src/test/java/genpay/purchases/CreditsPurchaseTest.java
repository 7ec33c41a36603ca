package genpay.purchases;

import genpay.TestEngine;
import genpay.credits.SignIns;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Buying credits end to end: the real engine, stripe-java against the sandbox, the real ledger in Redis. */
class CreditsPurchaseTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private static TestEngine genpay;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("TRUSTED_PROXIES", "127.0.0.1"));
    origin = genpay.settings().appUrl();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private record Buyer(String session, String email) {
  }

  private static Buyer signIn() {
    String email = SignIns.newEmail();
    return new Buyer(SignIns.signIn(genpay, email), email);
  }

  private static HttpRequest<Buffer> as(Buyer buyer, HttpRequest<Buffer> request) {
    return request.putHeader("Cookie", "gp_session=" + buyer.session()).putHeader("Origin", origin);
  }

  private static JsonObject account(Buyer buyer) {
    HttpResponse<Buffer> me = await(as(buyer, genpay.http.get("/api/account")).send());
    assertEquals(200, me.statusCode(), me.bodyAsString());
    return me.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> buy(Buyer buyer, JsonObject body) {
    return await(as(buyer, genpay.http.post("/api/payment/checkout/credits")).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> sync(Buyer buyer, String sessionId) {
    return await(as(buyer, genpay.http.post("/api/payment/checkout/credits/" + sessionId + "/sync")).send());
  }

  /** The session as the sandbox (Stripe) has it. */
  private static JsonObject atStripe(String sessionId) {
    HttpResponse<Buffer> session = await(genpay.http.get("/sandbox/stripe/v1/checkout/sessions/" + sessionId)
        .putHeader("Authorization", "Bearer " + Settings.SANDBOX_SECRET_KEY).send());
    assertEquals(200, session.statusCode(), session.bodyAsString());
    return session.bodyAsJsonObject();
  }

  /** Completes at the ledger's first applied write of this type for the account: call before the cause. */
  private static Future<JsonObject> ledgerWrite(String accountId, String type) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(Addresses.CREDITS_CHANGED);
    consumer.handler(message -> {
      if (accountId.equals(message.body().getString("accountId")) && type.equals(message.body().getString("type"))) {
        seen.tryComplete(message.body());
      }
    });
    await(consumer.completion());
    return seen.future().eventually(() -> consumer.unregister());
  }

  /** Completes at the outbox's first try of this cause with this outcome: call before the cause. */
  private static Future<JsonObject> mailAttempt(String cause, String outcome) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(Addresses.MAIL_ATTEMPTED);
    consumer.handler(message -> {
      if (cause.equals(message.body().getString("cause")) && outcome.equals(message.body().getString("outcome"))) {
        seen.tryComplete(message.body());
      }
    });
    await(consumer.completion());
    return seen.future().eventually(() -> consumer.unregister());
  }

  /** Messages in the sandbox mailbox to this address whose subject contains the words. */
  private static List<JsonObject> mails(String to, String subjectPart) {
    JsonArray messages = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    return messages.stream().map(JsonObject.class::cast)
        .filter(message -> to.equals(message.getString("to")) && message.getString("subject").contains(subjectPart))
        .toList();
  }

  private static Future<HttpResponse<Buffer>> webhook(String type, JsonObject session) {
    String payload = new JsonObject().put("id", "evt_test_" + System.nanoTime() + SEQUENCE.incrementAndGet())
        .put("object", "event").put("type", type).put("api_version", "2025-01-27.acacia")
        .put("data", new JsonObject().put("object", session)).encode();
    String signature = StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    return genpay.http.post("/api/webhooks/stripe").putHeader("Content-Type", "application/json")
        .putHeader("Stripe-Signature", signature).sendBuffer(Buffer.buffer(payload));
  }

  private static long sandboxSessions() {
    return await(genpay.redis.send(Request.cmd(Command.KEYS).arg("sandbox:stripe:cs:*"))).size();
  }

  private static List<JsonObject> entries(String accountId) {
    JsonObject page = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_ENTRIES,
        new JsonObject().put("accountId", accountId).put("limit", 100))).body();
    return page.getJsonArray("items").stream().map(item -> (JsonObject) item).toList();
  }

  @Test
  void buyingAPackageGrantsItsCreditsAndBonusOnceHoweverOftenStripeAndThePageAsk() {
    Buyer buyer = signIn();
    JsonObject me = account(buyer);
    String accountId = me.getString("id");
    assertEquals(10.0, me.getDouble("balance"));

    HttpResponse<Buffer> bought = buy(buyer, new JsonObject().put("package", "basic").put("locale", "de"));
    assertEquals(200, bought.statusCode(), bought.bodyAsString());
    String sessionId = bought.bodyAsJsonObject().getString("sessionId");
    assertEquals(origin + "/sandbox/stripe/pay/" + sessionId, bought.bodyAsJsonObject().getString("url"));

    JsonObject open = atStripe(sessionId);
    assertEquals(900L, open.getLong("amount_total"));
    assertEquals(genpay.settings().priceCurrency(), open.getString("currency"));
    assertEquals(accountId, open.getString("client_reference_id"));
    assertEquals(buyer.email(), open.getString("customer_email"));
    assertEquals(new JsonObject().put("kind", "credits").put("account_id", accountId).put("package", "basic")
        .put("bonus", "5"), open.getJsonObject("metadata"));
    assertEquals(origin + "/de/credits?checkout={CHECKOUT_SESSION_ID}", open.getString("success_url"));
    assertEquals(origin + "/de/credits/buy", open.getString("cancel_url"));

    // Before paying there is nothing to grant, whoever asks.
    HttpResponse<Buffer> early = sync(buyer, sessionId);
    assertEquals(200, early.statusCode(), early.bodyAsString());
    assertEquals("waiting", early.bodyAsJsonObject().getString("outcome"));

    Future<JsonObject> bonus = ledgerWrite(accountId, "bonus");
    Future<JsonObject> mailed = mailAttempt("credits-bought:" + sessionId, "sent");
    HttpResponse<Buffer> paid = genpay.clickOnCheckoutPage(sessionId, "paid");
    assertEquals(303, paid.statusCode());
    assertEquals(origin + "/de/credits?checkout=" + sessionId, paid.getHeader("Location"));
    assertEquals(115.0, await(bonus).getDouble("balance"), "the sandbox's webhook granted 100 + 5 bonus");
    assertEquals(115.0, account(buyer).getDouble("balance"));
    JsonObject completed = atStripe(sessionId);
    assertEquals(buyer.email(), completed.getJsonObject("customer_details").getString("email"));
    await(mailed);
    List<JsonObject> receipts = mails(buyer.email(), "Credits gekauft");
    assertEquals(1, receipts.size(), "one German receipt");
    assertTrue(receipts.get(0).getString("text").contains("100 Credits und 5 Bonus-Credits"),
        receipts.get(0).getString("text"));
    Future<JsonObject> resent = mailAttempt("credits-bought:" + sessionId, "already-sent");

    // Stripe repeats itself, twice at once, while the credits page syncs: still granted once.
    List<Future<HttpResponse<Buffer>>> again = List.of(webhook("checkout.session.completed", completed),
        webhook("checkout.session.completed", completed),
        as(buyer, genpay.http.post("/api/payment/checkout/credits/" + sessionId + "/sync")).send());
    await(Future.all(again));
    for (Future<HttpResponse<Buffer>> answer : again) {
      assertEquals(200, answer.result().statusCode(), answer.result().bodyAsString());
    }
    assertEquals("already-granted", again.get(2).result().bodyAsJsonObject().getString("outcome"));
    assertEquals(115.0, account(buyer).getDouble("balance"));
    List<JsonObject> granted = entries(accountId).stream()
        .filter(entry -> sessionId.equals(entry.getString("source_id"))).toList();
    assertEquals(2, granted.size(), granted.toString());
    await(resent);
    assertEquals(1, mails(buyer.email(), "Credits gekauft").size(), "the receipt went once");

    // Another account cannot sync (or learn of) this purchase.
    assertProblem(sync(signIn(), sessionId), 404);
  }

  @Test
  void bothPathsAtOnceGrantOnce() {
    Buyer buyer = signIn();
    String accountId = account(buyer).getString("id");
    String sessionId = buy(buyer, new JsonObject().put("package", "standard")).bodyAsJsonObject().getString("sessionId");
    Future<JsonObject> bonus = ledgerWrite(accountId, "bonus");
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());
    JsonObject completed = atStripe(sessionId);
    List<Future<?>> racing = List.of(webhook("checkout.session.async_payment_succeeded", completed),
        webhook("checkout.session.completed", completed),
        as(buyer, genpay.http.post("/api/payment/checkout/credits/" + sessionId + "/sync")).send(),
        as(buyer, genpay.http.post("/api/payment/checkout/credits/" + sessionId + "/sync")).send());
    await(Future.all(racing));
    await(bonus);
    assertEquals(10.0 + 250 + 15, account(buyer).getDouble("balance"));
  }

  @Test
  void aCustomAmountCostsTenCentsACreditWithoutBonus() {
    Buyer buyer = signIn();
    String accountId = account(buyer).getString("id");
    HttpResponse<Buffer> bought = buy(buyer, new JsonObject().put("credits_amount", 75));
    assertEquals(200, bought.statusCode(), bought.bodyAsString());
    String sessionId = bought.bodyAsJsonObject().getString("sessionId");
    JsonObject open = atStripe(sessionId);
    assertEquals(750L, open.getLong("amount_total"));
    assertEquals("75", open.getJsonObject("metadata").getString("credits"));
    assertEquals("0", open.getJsonObject("metadata").getString("bonus"));
    Future<JsonObject> purchase = ledgerWrite(accountId, "purchase");
    Future<JsonObject> mailed = mailAttempt("credits-bought:" + sessionId, "sent");
    String payer = "payer." + System.nanoTime() + "@example.test";
    assertEquals(303, genpay.payOnCheckoutPage(sessionId, payer).statusCode());
    assertEquals(85.0, await(purchase).getDouble("balance"));
    await(mailed);
    List<JsonObject> receipts = mails(payer, "75 credits bought");
    assertEquals(1, receipts.size(), "the receipt goes to whoever Checkout says paid");
    assertTrue(receipts.get(0).getString("text").contains("$7.50"), receipts.get(0).getString("text"));
    assertEquals("already-granted", sync(buyer, sessionId).bodyAsJsonObject().getString("outcome"));
    assertEquals(85.0, account(buyer).getDouble("balance"));
  }

  @Test
  void aSessionThatIsNotThePurchaseRememberedGrantsNothing() {
    Buyer buyer = signIn();
    Buyer other = signIn();
    String otherId = account(other).getString("id");
    account(buyer);
    String sessionId = buy(buyer, new JsonObject().put("package", "pro")).bodyAsJsonObject().getString("sessionId");
    JsonObject paid = atStripe(sessionId).put("status", "complete").put("payment_status", "paid");
    // The webhook answers once the grant is decided: what the balance says afterwards is final.
    List<JsonObject> forged = List.of(
        paid.copy().put("client_reference_id", otherId)
            .put("metadata", paid.getJsonObject("metadata").copy().put("account_id", otherId)),
        paid.copy().put("amount_total", 1L),
        paid.copy().put("id", "cs_test_neverSoldByThisEngine" + System.nanoTime()));
    for (JsonObject session : forged) {
      HttpResponse<Buffer> answered = await(webhook("checkout.session.completed", session));
      assertEquals(200, answered.statusCode(), answered.bodyAsString());
    }
    assertEquals(10.0, account(buyer).getDouble("balance"));
    assertEquals(10.0, account(other).getDouble("balance"));
    assertEquals("waiting", sync(buyer, sessionId).bodyAsJsonObject().getString("outcome"), "still unpaid at Stripe");
  }

  @Test
  void aDeclinedPaymentGrantsNothing() {
    Buyer buyer = signIn();
    String sessionId = buy(buyer, new JsonObject().put("package", "starter")).bodyAsJsonObject().getString("sessionId");
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "declined").statusCode());
    assertEquals("waiting", sync(buyer, sessionId).bodyAsJsonObject().getString("outcome"));
    assertEquals(10.0, account(buyer).getDouble("balance"));
  }

  @Test
  void badInputIsRefusedWithoutAskingStripe() {
    Buyer buyer = signIn();
    account(buyer);
    long before = sandboxSessions();
    Map<JsonObject, String> bad = Map.of(
        new JsonObject(), "package",
        new JsonObject().put("package", "basic").put("credits_amount", 100), "credits_amount",
        new JsonObject().put("package", "platinum"), "package",
        new JsonObject().put("package", 5), "package",
        new JsonObject().put("credits_amount", 49), "credits_amount",
        new JsonObject().put("credits_amount", 100_001), "credits_amount",
        new JsonObject().put("credits_amount", 75.5), "credits_amount",
        new JsonObject().put("credits_amount", "75"), "credits_amount",
        new JsonObject().put("package", "basic").put("locale", "../x"), "locale");
    bad.forEach((body, field) -> {
      HttpResponse<Buffer> refused = buy(buyer, body);
      assertProblem(refused, 400);
      assertEquals(field, refused.bodyAsJsonObject().getString("field"), body.encode());
    });
    assertProblem(await(as(buyer, genpay.http.post("/api/payment/checkout/credits"))
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("[1]"))), 400);
    assertEquals(before, sandboxSessions(), "no Checkout Session was opened");
    assertEquals(10.0, account(buyer).getDouble("balance"));
  }

  @Test
  void signedOutIs401AndAnotherOriginIs403() {
    long before = sandboxSessions();
    assertProblem(await(genpay.http.post("/api/payment/checkout/credits")
        .sendJsonObject(new JsonObject().put("package", "basic"))), 401);
    Buyer buyer = signIn();
    assertProblem(await(genpay.http.post("/api/payment/checkout/credits")
        .putHeader("Cookie", "gp_session=" + buyer.session()).putHeader("Origin", "http://evil.example")
        .sendJsonObject(new JsonObject().put("package", "basic"))), 403);
    assertProblem(await(genpay.http.post("/api/payment/checkout/credits/cs_test_abc/sync").send()), 401);
    assertEquals(before, sandboxSessions());
  }
}
