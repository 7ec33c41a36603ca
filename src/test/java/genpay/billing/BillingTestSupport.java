package genpay.billing;

import genpay.TestKeys;
import com.stripe.StripeClient;
import com.stripe.param.testhelpers.TestClockAdvanceParams;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.credits.LedgerKeys;
import genpay.credits.SignIns;
import genpay.stripe.StripeSandbox;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A signed-in account of a test engine, and what billing tests do with it: subscribe, pay, move its clock, read. */
final class BillingTestSupport {

  final TestEngine genpay;
  final StripeClient stripe;
  final String cookie;
  final String email;
  final String accountId;

  BillingTestSupport(TestEngine genpay) {
    this.genpay = genpay;
    this.stripe = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
    this.email = SignIns.newEmail();
    this.cookie = SignIns.signIn(genpay, email);
    this.accountId = get("/api/account").bodyAsJsonObject().getString("id");
  }

  HttpResponse<Buffer> get(String path) {
    return await(genpay.http.get(path).putHeader("Cookie", "gp_session=" + cookie).send());
  }

  HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(genpay.http.post(path).putHeader("Cookie", "gp_session=" + cookie)
        .putHeader("Origin", genpay.settings().appUrl()).sendJsonObject(body));
  }

  /** Opens subscription Checkout and pays it on the sandbox's page with {@code card}; answers the session id. */
  String subscribe(String plan, String interval, String card) {
    HttpResponse<Buffer> opened = post("/api/payment/checkout/subscription",
        new JsonObject().put("plan", plan).put("interval", interval));
    assertEquals(200, opened.statusCode(), opened.bodyAsString());
    String sessionId = opened.bodyAsJsonObject().getString("sessionId");
    HttpResponse<Buffer> paid = await(genpay.http.post("/sandbox/stripe/pay/" + sessionId + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("outcome=paid&email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
            + "&card=" + card)));
    assertEquals(303, paid.statusCode(), paid.bodyAsString());
    return sessionId;
  }

  /** The first billing.changed notice of this account that {@code test} accepts, from the moment this is called. */
  Future<JsonObject> billingChange(Predicate<JsonObject> test) {
    return first(Addresses.BILLING_CHANGED, test);
  }

  /** The first ledger write of this account of {@code type}, from the moment this is called. */
  Future<JsonObject> ledgerWrite(String type) {
    return first(Addresses.CREDITS_CHANGED, change -> type.equals(change.getString("type")));
  }

  private Future<JsonObject> first(String address, Predicate<JsonObject> test) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().localConsumer(address);
    consumer.handler(message -> {
      if (accountId.equals(message.body().getString("accountId")) && test.test(message.body())) {
        consumer.unregister();
        seen.tryComplete(message.body());
      }
    });
    await(consumer.completion());
    return seen.future();
  }

  /** Every ledger entry of the account, oldest first. */
  List<Map<String, String>> entries() {
    Response entries = await(genpay.redis.send(Request.cmd(Command.XRANGE).arg(LedgerKeys.stream(TestKeys.SHARDS, accountId))
        .arg("-").arg("+")));
    List<Map<String, String>> result = new ArrayList<>();
    for (Response entry : entries) {
      Map<String, String> fields = new HashMap<>();
      Response raw = entry.get(1);
      for (int i = 0; i + 1 < raw.size(); i += 2) {
        fields.put(raw.get(i).toString(), raw.get(i + 1).toString());
      }
      result.add(fields);
    }
    return result;
  }

  /** The entries of these types, as "type amount source_id" lines: what the scenarios print and compare. */
  List<String> entries(String... types) {
    List<String> wanted = List.of(types);
    return entries().stream().filter(e -> wanted.contains(e.get("type")))
        .map(e -> e.get("type") + " " + e.get("amount") + " " + e.get("source_id")).toList();
  }

  JsonObject subscription() {
    HttpResponse<Buffer> answer = get("/api/payment/subscription");
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  String plan() {
    return get("/api/account").bodyAsJsonObject().getString("plan");
  }

  Map<String, String> billingHash() {
    Response hash = await(genpay.redis.send(Request.cmd(Command.HGETALL).arg(BillingStore.key(TestKeys.SHARDS, accountId))));
    Map<String, String> fields = new HashMap<>();
    for (String key : hash.getKeys()) {
      fields.put(key, hash.get(key).toString());
    }
    return fields;
  }

  /** Moves the account's test clock (every sandbox customer has its own) to {@code epochSeconds}. */
  void advanceClock(long epochSeconds) throws Exception {
    String clock = stripe.v1().customers().retrieve(billingHash().get("customerId")).getTestClock();
    stripe.v1().testHelpers().testClocks().advance(clock, TestClockAdvanceParams.builder()
        .setFrozenTime(epochSeconds).build());
  }

  long clockTime() throws Exception {
    String clock = stripe.v1().customers().retrieve(billingHash().get("customerId")).getTestClock();
    return stripe.v1().testHelpers().testClocks().retrieve(clock).getFrozenTime();
  }

  /** An invoice as Stripe's raw JSON. */
  JsonObject invoice(String invoiceId) throws Exception {
    return new JsonObject(stripe.v1().invoices().retrieve(invoiceId).getLastResponse().body());
  }

  /** The account's invoices, newest first, as Stripe's raw JSON. */
  JsonArray invoices() throws Exception {
    return new JsonObject(stripe.v1().invoices().list(com.stripe.param.InvoiceListParams.builder()
        .setCustomer(billingHash().get("customerId")).build()).getLastResponse().body()).getJsonArray("data");
  }

  /** Posts a Stripe event of {@code type} about {@code object}, signed as the sandbox signs, under {@code eventId}. */
  HttpResponse<Buffer> postEvent(String eventId, String type, JsonObject object) {
    String payload = new JsonObject().put("id", eventId).put("object", "event").put("api_version", "2026-07-29.dahlia")
        .put("created", System.currentTimeMillis() / 1000).put("livemode", false).put("type", type)
        .put("data", new JsonObject().put("object", object)).encode();
    String signature = StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    return await(genpay.http.post("/api/webhooks/stripe").putHeader("Content-Type", "application/json")
        .putHeader("Stripe-Signature", signature).sendBuffer(Buffer.buffer(payload)));
  }

  /** Messages of the sandbox mailbox to this account. */
  List<JsonObject> mails() {
    JsonArray messages = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    List<JsonObject> mine = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      if (email.equals(messages.getJsonObject(i).getString("to"))) {
        mine.add(messages.getJsonObject(i));
      }
    }
    return mine;
  }
}
