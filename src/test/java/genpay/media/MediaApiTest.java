package genpay.media;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's media links and deletions on a real engine with its embedded store: who may delete, and what is left. */
class MediaApiTest {

  private static TestEngine genpay;
  private static MediaStore store;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400", "TRUSTED_PROXIES", "127.0.0.1"));
    store = new MediaStore(genpay.settings().storage(), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    store.close();
    genpay.close();
  }

  private static HttpRequest<Buffer> as(HttpRequest<Buffer> request, String session) {
    return request.putHeader("Cookie", "gp_session=" + session).putHeader("Origin", genpay.settings().appUrl());
  }

  /** An image order of a signed-in account, ended: its snapshot. */
  private static JsonObject imageOrder(String session) {
    String prompt = "a kite over dunes " + System.nanoTime();
    var ended = genpay.sessionOfPrompt(prompt, "completed", "error");
    HttpResponse<Buffer> created = await(as(genpay.http.post("/api/generations"), session)
        .sendJsonObject(new JsonObject().put("type", "image").put("prompt", prompt).put("quantity", 1)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject end = await(ended.timeout(60, TimeUnit.SECONDS), 70);
    assertEquals("completed", end.getString("status"));
    return end;
  }

  private static String objectKey(String fileId) {
    return await(genpay.redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGET)
        .arg("media:" + fileId).arg("objectKey"))).toString();
  }

  @Test
  void theOwnerDeletesAFileAndItsObjectsAreGoneFromTheStore() {
    String owner = SignIns.signIn(genpay);
    JsonObject order = imageOrder(owner);
    String fileId = order.getString("fileId");
    String key = objectKey(fileId);
    assertTrue(key.startsWith("generations/") && key.endsWith("/" + order.getString("sessionId") + "/" + fileId + ".png"),
        "keyed by account, order and file: " + key);
    assertTrue(store.size(key).isPresent());
    String thumbnailKey = key.replace(".png", ".thumbnail.png");
    assertTrue(store.size(thumbnailKey).isPresent(), "the thumbnail is stored beside it");
    HttpResponse<Buffer> download = await(genpay.http.get("/media/" + fileId + "?download=1").send());
    assertEquals(302, download.statusCode());
    HttpResponse<Buffer> attachment = await(genpay.http.getAbs(download.getHeader("Location")).send());
    assertEquals(200, attachment.statusCode());
    assertTrue(String.valueOf(attachment.getHeader("Content-Disposition")).startsWith("attachment"),
        String.valueOf(attachment.getHeader("Content-Disposition")));
    String oldLink = await(genpay.http.get("/media/" + fileId).send()).getHeader("Location");

    String stranger = SignIns.signIn(genpay);
    assertProblem(await(as(genpay.http.delete("/api/files/" + fileId), stranger).send()), 403);
    assertProblem(await(genpay.http.delete("/api/files/" + fileId).putHeader("Origin", genpay.settings().appUrl())
        .send()), 401);
    assertTrue(store.size(key).isPresent(), "refused deletions change nothing");

    HttpResponse<Buffer> deleted = await(as(genpay.http.delete("/api/files/" + fileId), owner).send());
    assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
    assertTrue(store.size(key).isEmpty(), "the object is gone from the store");
    assertTrue(store.size(thumbnailKey).isEmpty(), "and its thumbnail");
    assertEquals(404, await(genpay.http.getAbs(oldLink).send()).statusCode(), "a link signed before is dead");
    assertProblem(await(genpay.http.get("/media/" + fileId).send()), 410);
    assertProblem(await(genpay.http.get("/media/" + fileId + "/thumbnail").send()), 410);
  }

  @Test
  void aCardOrdersFileHasNoOwnerToDeleteItAndUnknownIdsAreAnswered() {
    String sessionId = genpay.order(1, "a card order " + System.nanoTime());
    var done = genpay.reaches(sessionId, "completed", "error");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    String fileId = await(done.timeout(60, TimeUnit.SECONDS), 70).getString("fileId");
    assertTrue(objectKey(fileId).startsWith("generations/guest/" + sessionId + "/"), objectKey(fileId));
    String someone = SignIns.signIn(genpay);
    assertProblem(await(as(genpay.http.delete("/api/files/" + fileId), someone).send()), 403);
    assertProblem(await(as(genpay.http.delete("/api/files/8a3c3f0e-9d7b-4a51-8e3e-111111111111"), someone).send()), 404);
    assertProblem(await(as(genpay.http.delete("/api/files/not-a-uuid"), someone).send()), 400);
    assertProblem(await(genpay.http.get("/media/not-a-uuid").send()), 400);
    assertProblem(await(genpay.http.get("/media/8a3c3f0e-9d7b-4a51-8e3e-111111111111").send()), 404);
    assertEquals(302, await(genpay.http.get("/media/" + fileId).send()).statusCode());
  }

  @Test
  void mediaGoesWithItsOrdersTtl() {
    String sessionId = genpay.order(1, "kept for a while " + System.nanoTime());
    var done = genpay.reaches(sessionId, "completed", "error");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    String fileId = await(done.timeout(60, TimeUnit.SECONDS), 70).getString("fileId");
    String key = objectKey(fileId);
    var bus = genpay.engine.vertx().eventBus();
    long now = System.currentTimeMillis();
    await(bus.<JsonObject>request(Addresses.MEDIA_SWEEP, new JsonObject().put("now", now)));
    assertTrue(store.size(key).isPresent(), "kept before the TTL");
    long afterTtl = now + TimeUnit.DAYS.toMillis(genpay.settings().sessionTtlDays()) + 60_000;
    JsonObject swept = await(bus.<JsonObject>request(Addresses.MEDIA_SWEEP, new JsonObject().put("now", afterTtl))).body();
    assertTrue(swept.getInteger("deleted") >= 1, swept.encode());
    assertTrue(store.size(key).isEmpty(), "deleted with its order");
    assertProblem(await(genpay.http.get("/media/" + fileId).send()), 410);
  }

  private static double balance(String accountId) {
    return await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_BALANCE,
        new JsonObject().put("accountId", accountId))).body().getDouble("balance");
  }

  private static String accountId(String session) {
    return await(as(genpay.http.get("/api/account"), session).send()).bodyAsJsonObject().getString("id");
  }

  @Test
  void storageIsChargedOncePerAccountAndMonthAndNeverBelowZero() {
    String payer = SignIns.signIn(genpay);
    imageOrder(payer);
    String payerId = accountId(payer);
    String broke = SignIns.signIn(genpay);
    imageOrder(broke);
    String brokeId = accountId(broke);
    // Spend what is left of the free plan's credits so the storage charge cannot be paid.
    double left = balance(brokeId);
    JsonObject spent = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_SPEND,
        new JsonObject().put("accountId", brokeId).put("amount", left).put("sourceId", "test-drain-" + brokeId)
            .put("operation", "image").put("model", "test"))).body();
    assertEquals("applied", spent.getString("status"), spent.encode());
    double before = balance(payerId);
    String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();

    var bus = genpay.engine.vertx().eventBus();
    JsonObject first = await(bus.<JsonObject>request(Addresses.MEDIA_CHARGE, new JsonObject().put("month", month))).body();
    assertTrue(first.getInteger("charged") >= 1 && first.getInteger("refused") >= 1, first.encode());
    assertEquals(before - 0.01, balance(payerId), 0.0001, "a small file: the hundredth a started GB-month costs");
    assertEquals(0.0, balance(brokeId), 0.0001, "a balance never goes negative");
    JsonObject again = await(bus.<JsonObject>request(Addresses.MEDIA_CHARGE, new JsonObject().put("month", month))).body();
    assertEquals(0, again.getInteger("charged"), "a repeat charges nothing: " + again.encode());
    assertEquals(before - 0.01, balance(payerId), 0.0001);

    JsonObject entries = await(as(genpay.http.get("/api/credits/transactions?type=usage"), payer).send()).bodyAsJsonObject();
    assertTrue(entries.encode().contains("storage:" + payerId + ":" + month), entries.encode());
  }
}
