package genpay.web;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.credits.SignIns;
import genpay.config.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/generations on a real engine: credits spent once, files of each type made, failures given back. */
class GenerationsApiTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static TestEngine genpay;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400", "TRUSTED_PROXIES", "127.0.0.1"));
    origin = genpay.settings().appUrl();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  /** A fresh account signed in through the sandbox mailbox: its cookie value. */
  private static String signIn() {
    return SignIns.signIn(genpay);
  }

  private static HttpRequest<Buffer> withCookie(HttpRequest<Buffer> request, String session) {
    return request.putHeader("Cookie", "gp_session=" + session);
  }

  /** The account (its first authenticated request also grants the free plan's 10 credits). */
  private static JsonObject account(String session) {
    HttpResponse<Buffer> answer = await(withCookie(genpay.http.get("/api/account"), session).send());
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> order(String session, JsonObject body) {
    return await(withCookie(genpay.http.post("/api/generations"), session).putHeader("Origin", origin)
        .sendJsonObject(body));
  }

  private static JsonObject request(String type, String prompt, int quantity) {
    return new JsonObject().put("type", type).put("prompt", prompt).put("quantity", quantity);
  }

  private static double balance(String accountId) {
    return await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_BALANCE,
        new JsonObject().put("accountId", accountId))).body().getDouble("balance");
  }

  private static void setPlan(String accountId, String plan) {
    await(genpay.redis.send(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg(plan)));
  }

  private static void grant(String accountId, double credits) {
    JsonObject reply = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", accountId).put("type", "purchase").put("amount", credits)
            .put("sourceId", "cs_test_grant" + SEQUENCE.incrementAndGet()).put("description", "test top-up"))).body();
    assertEquals("applied", reply.getString("status"), reply.encode());
  }

  /** Orders, then waits for the order's end and answers its final snapshot. */
  private static JsonObject orderAndFinish(String session, JsonObject body, String... endWith) {
    // Listening starts before the order exists: the ord_ id is not known yet, so match by prompt.
    String prompt = body.getString("prompt");
    var ended = genpay.sessionOfPrompt(prompt, endWith);
    HttpResponse<Buffer> created = order(session, body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject answer = created.bodyAsJsonObject();
    String orderId = answer.getString("orderId");
    assertTrue(orderId.matches("^ord_[A-Za-z0-9]{24}$"), orderId);
    assertEquals("/api/events/session/" + orderId, answer.getString("events"));
    assertEquals(body.getInteger("quantity"), answer.getJsonArray("files").size());
    JsonObject end = await(ended);
    assertEquals(orderId, end.getString("sessionId"));
    return answer.put("end", end);
  }

  private static byte[] fetch(String url, String contentType) {
    String path = url.substring(origin.length());
    HttpResponse<Buffer> redirect = await(genpay.http.get(path).send());
    assertEquals(302, redirect.statusCode(), "the engine's link redirects to the object store: " + url);
    HttpResponse<Buffer> media = await(genpay.http.getAbs(redirect.getHeader("Location")).send());
    assertEquals(200, media.statusCode(), url);
    assertTrue(media.getHeader("Content-Type").startsWith(contentType), media.getHeader("Content-Type"));
    return media.body().getBytes();
  }

  @Test
  void anImageOrderOnTheFreePlanSpendsOneCreditPerImageAndEndsWithRealPngs() {
    String session = signIn();
    String accountId = account(session).getString("id");
    assertEquals(10.0, balance(accountId), 0.001, "the free plan's monthly credits");

    JsonObject done = orderAndFinish(session, request("image", "a red kite " + System.nanoTime(), 2), "completed");
    assertEquals(2.0, done.getDouble("cost"));
    assertEquals(8.0, done.getDouble("balance"));
    assertEquals(8.0, balance(accountId), 0.001);

    String orderId = done.getString("orderId");
    HttpResponse<Buffer> status = await(genpay.http.get("/api/webhook-status/" + orderId).send());
    assertEquals(200, status.statusCode(), status.bodyAsString());
    JsonObject snapshot = status.bodyAsJsonObject();
    assertEquals("completed", snapshot.getString("status"));
    assertEquals("image", snapshot.getString("type"));
    for (Object summary : snapshot.getJsonArray("files")) {
      JsonObject file = await(genpay.http.get("/api/file/" + ((JsonObject) summary).getString("id")).send())
          .bodyAsJsonObject();
      assertEquals("image", file.getString("type"));
      byte[] png = fetch(file.getString("url"), "image/png");
      assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8), "a real PNG");
    }

    // The order's stream takes the ord_ id: terminal, so it sends the snapshot and ends.
    HttpResponse<Buffer> stream = await(genpay.http.get(done.getString("events")).send());
    assertEquals(200, stream.statusCode(), stream.bodyAsString());
    assertTrue(stream.getHeader("Content-Type").startsWith("text/event-stream"));
    assertTrue(stream.bodyAsString().contains("event: status"), stream.bodyAsString());
    assertTrue(stream.bodyAsString().contains("\"sessionId\":\"" + orderId + "\""), stream.bodyAsString());
    assertTrue(stream.bodyAsString().contains("\"status\":\"completed\""), stream.bodyAsString());

    // And the order's page; the tool page offers credits at the configured cost (the button shows when signed in).
    assertEquals(200, await(genpay.http.get("/en/payment-success/" + orderId).send()).statusCode());
    String tool = await(genpay.http.get("/en/tool/video-generator").send()).bodyAsString();
    assertTrue(tool.contains("id=\"pay-credits\"") && tool.contains("\"creditCosts\":{\"video\":10.0"), tool);
  }

  @Test
  void aVideoOnTheFreePlanIsRefusedAndSpendsNothing() {
    String session = signIn();
    String accountId = account(session).getString("id");
    String before = genpay.redisDigest();
    HttpResponse<Buffer> refused = order(session, request("video", "a train at dusk", 1));
    assertProblem(refused, 403);
    assertTrue(refused.bodyAsJsonObject().getString("type").endsWith("/plan-required"));
    assertEquals(before, genpay.redisDigest(), "nothing written");
    assertEquals(10.0, balance(accountId), 0.001);
  }

  @Test
  void moreThanTheBalanceIs402WithNeededAndBalanceAndWritesNothing() {
    String session = signIn();
    account(session);
    String before = genpay.redisDigest();
    HttpResponse<Buffer> refused = order(session, request("image", "eleven lanterns", 10)
        .put("quality", "4k"));
    assertProblem(refused, 402);
    JsonObject problem = refused.bodyAsJsonObject();
    assertTrue(problem.getString("type").endsWith("/insufficient-credits"), problem.encode());
    assertEquals(20.0, problem.getDouble("needed"));
    assertEquals(10.0, problem.getDouble("balance"));
    assertEquals(before, genpay.redisDigest(), "nothing written");
  }

  @Test
  void badInputNamesTheFieldAndChangesNothing() {
    String session = signIn();
    account(session);
    String before = genpay.redisDigest();
    Map<String, JsonObject> bad = Map.of(
        "type", request("gif", "x", 1),
        "quantity", request("image", "x", 11),
        "prompt", request("image", "a".repeat(20_001), 1),
        "quality", request("image", "x", 1).put("quality", "8k"),
        "durationSeconds", request("audio", "x", 1).put("durationSeconds", 0));
    bad.forEach((field, body) -> {
      HttpResponse<Buffer> answer = order(session, body);
      assertProblem(answer, 400);
      assertTrue(answer.bodyAsString().contains(field), field + ": " + answer.bodyAsString());
    });
    assertEquals(before, genpay.redisDigest(), "nothing written");
    assertProblem(await(genpay.http.post("/api/generations").sendJsonObject(request("image", "x", 1))), 401);
  }

  @Test
  void anAudioOrderOnTheProPlanEndsWithARealWav() {
    String session = signIn();
    String accountId = account(session).getString("id");
    setPlan(accountId, "pro");
    JsonObject done = orderAndFinish(session, request("audio", "a cello " + System.nanoTime(), 1)
        .put("durationSeconds", 45), "completed");
    assertEquals(1.0, done.getDouble("cost"), "0.50 per started 30 s");
    String fileId = done.getJsonArray("files").getJsonObject(0).getString("id");
    JsonObject file = await(genpay.http.get("/api/file/" + fileId).send()).bodyAsJsonObject();
    assertEquals("audio", file.getString("type"));
    byte[] wav = fetch(file.getString("url"), "audio/wav");
    assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
    assertEquals("WAVE", new String(wav, 8, 4, StandardCharsets.US_ASCII));
  }

  @Test
  void aFailedImageGivesItsShareBackOnce() {
    String session = signIn();
    String accountId = account(session).getString("id");
    String prompt = "two moons [sandbox:fail:1] " + System.nanoTime();
    // The refund is issued after the file ends: listen for the snapshot that shows it made, from now on.
    var refunded = genpay.sessionOfPrompt(prompt, s -> s.getJsonArray("files").stream()
        .anyMatch(f -> ((JsonObject) f).getJsonObject("refund") != null
            && "succeeded".equals(((JsonObject) f).getJsonObject("refund").getString("status"))));
    JsonObject done = orderAndFinish(session, request("image", prompt, 2).put("quality", "hd"), "error");
    assertEquals(3.0, done.getDouble("cost"), "1.50 per HD image");
    String orderId = done.getString("orderId");
    JsonObject withRefund = await(refunded);
    assertEquals(orderId, withRefund.getString("sessionId"));
    JsonObject failed = withRefund.getJsonArray("files").stream().map(JsonObject.class::cast)
        .filter(f -> f.getJsonObject("refund") != null).findFirst().orElseThrow();
    assertEquals("failed", failed.getString("status"));
    assertEquals(1.5, failed.getJsonObject("refund").getDouble("amount"));
    assertEquals("credits", failed.getJsonObject("refund").getString("currency"));
    assertEquals(10.0 - 3.0 + 1.5, balance(accountId), 0.001);

    // A second sweep (and a second word of the same refund) gives nothing more.
    await(genpay.engine.vertx().eventBus().request(Addresses.REFUNDS_SWEEP, new JsonObject()));
    JsonObject again = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_REFUND,
        new JsonObject().put("accountId", accountId).put("amount", 1.5).put("sourceId", "refund:" + failed.getString("id"))
            .put("spentSourceId", orderId))).body();
    assertTrue(again.getBoolean("duplicate", false), again.encode());
    assertEquals(8.5, balance(accountId), 0.001);
    JsonObject order = await(genpay.http.get("/api/webhook-status/" + orderId).send()).bodyAsJsonObject();
    assertEquals(1.5, order.getJsonObject("refunded").getDouble("amount"));
  }

  @Test
  void anApiKeyOnTheProPlanCanOrder() {
    String session = signIn();
    String accountId = account(session).getString("id");
    setPlan(accountId, "pro");
    grant(accountId, 20);
    HttpResponse<Buffer> key = await(withCookie(genpay.http.post("/api/keys"), session).putHeader("Origin", origin)
        .sendJsonObject(new JsonObject().put("name", "ci")));
    assertEquals(201, key.statusCode(), key.bodyAsString());
    String prompt = "a lighthouse " + System.nanoTime();
    var ended = genpay.sessionOfPrompt(prompt, "completed");
    HttpResponse<Buffer> created = await(genpay.http.post("/api/generations")
        .putHeader("Authorization", "Bearer " + key.bodyAsJsonObject().getString("key"))
        .sendJsonObject(request("video", prompt, 1)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(10.0, created.bodyAsJsonObject().getDouble("cost"), "the 8-s VEO3 video");
    assertEquals(20.0, created.bodyAsJsonObject().getDouble("balance"));
    JsonObject end = await(ended);
    assertEquals("video", end.getJsonArray("files").getJsonObject(0).getString("type"));
  }
}
