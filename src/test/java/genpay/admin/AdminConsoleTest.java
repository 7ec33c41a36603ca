package genpay.admin;

import genpay.TestEngine;
import genpay.TestKeys;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's API on a real engine (real Redis, HTTP, Stripe and provider sandboxes). */
class AdminConsoleTest {

  private static final String ADMIN = "Admin.One@Example.test";
  private static TestEngine genpay;
  private static String origin;
  private static String admin;
  private static String stranger;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "100",
        "FOLLOW_MAX_DELAY_MS", "300", "REFUND_RETRY_SECONDS", "1", "ADMIN_EMAILS", "someone@example.test, "
            + ADMIN.toLowerCase()));
    origin = genpay.settings().appUrl();
    admin = SignIns.signIn(genpay, ADMIN);
    stranger = SignIns.signIn(genpay);
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static HttpRequest<Buffer> as(String session, HttpRequest<Buffer> request) {
    return request.putHeader("Cookie", "gp_session=" + session).putHeader("Origin", origin);
  }

  private static JsonObject get(String path) {
    HttpResponse<Buffer> answer = await(as(admin, genpay.http.get(path)).send());
    assertEquals(200, answer.statusCode(), path + ": " + answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> act(String path, String reason) {
    return await(as(admin, genpay.http.post(path)).sendJsonObject(new JsonObject().put("reason", reason)));
  }

  /** The order, paid by card with {@code email}, once it has ended and none of its refunds is owed any more. */
  private static JsonObject paidAndSettled(int videos, String prompt, String email) {
    String sessionId = genpay.order(videos, prompt);
    Future<JsonObject> settled = settled(sessionId);
    genpay.payOnCheckoutPage(sessionId, email);
    return await(settled.timeout(60, TimeUnit.SECONDS));
  }

  private static Future<JsonObject> settled(String sessionId) {
    return genpay.sessionWhere(sessionId, session -> List.of("completed", "error").contains(session.getString("status"))
        && session.getJsonArray("files").stream().map(JsonObject.class::cast)
        .noneMatch(file -> file.getJsonObject("refund") != null
            && "owed".equals(file.getJsonObject("refund").getString("status"))));
  }

  private static List<String> keys(String pattern) {
    List<String> keys = new ArrayList<>();
    await(genpay.redis.send(Request.cmd(Command.KEYS).arg(pattern))).forEach(key -> keys.add(key.toString()));
    return keys;
  }

  private static List<String> sandboxRefunds(String sessionId) {
    String paymentIntent = await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.session(sessionId))
        .arg("paymentIntent"))).toString();
    return await(genpay.redis.send(Request.cmd(Command.LRANGE).arg(TestKeys.stripeSandbox("refunds", paymentIntent))
        .arg(0).arg(-1))).stream().map(Response::toString).toList();
  }

  /** Every route AdminRoutes mounts, walked from the router: a concrete path and method for each. */
  private static List<String[]> adminRoutes() {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      new AdminRoutes(vertx, genpay.settings(), null).mount(router);
      List<String[]> walked = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        String path = route.getPath();
        if (path == null || !(path.startsWith("/api/admin") || path.startsWith("/:locale/admin"))) {
          continue;
        }
        String concrete = path.replace(":locale", "en")
            .replace(":id", path.contains("/files/") ? UUID.randomUUID().toString() : "cs_test_walk" + walked.size());
        Set<HttpMethod> methods = route.methods() == null || route.methods().isEmpty()
            ? Set.of(HttpMethod.GET) : route.methods();
        methods.forEach(method -> walked.add(new String[] {method.name(), concrete}));
      }
      return walked;
    } finally {
      vertx.close();
    }
  }

  @Test
  void everyAdminRouteRefusesTheSignedOutAndOtherAccounts() {
    List<String[]> routes = adminRoutes();
    assertTrue(routes.size() >= 15, "the API's 12 routes, the guard and the 3 pages: " + routes.size());
    for (String[] route : routes) {
      HttpMethod method = HttpMethod.valueOf(route[0]);
      JsonObject body = new JsonObject().put("reason", "walking the routes");
      HttpResponse<Buffer> signedOut = await(genpay.http.request(method, route[1]).putHeader("Origin", origin)
          .sendJsonObject(body));
      assertProblem(signedOut, 401);
      HttpResponse<Buffer> other = await(as(stranger, genpay.http.request(method, route[1])).sendJsonObject(body));
      assertProblem(other, 403);
      assertTrue(other.bodyAsJsonObject().getString("type").endsWith("/admin-required"), route[1]);
      if (method == HttpMethod.GET && !route[1].endsWith("/events")) {
        // The guard lets an admin through: whatever the route answers then, it is not a refusal.
        int status = await(as(admin, genpay.http.request(method, route[1])).send()).statusCode();
        assertTrue(status != 401 && status != 403, route[1] + " answered an admin " + status);
      }
    }
  }

  @Test
  void anActionWithoutAReasonIsRefusedAndChangesNothing() {
    String sessionId = genpay.order(1, "a quiet pond at dawn");
    HttpResponse<Buffer> refused = await(as(admin, genpay.http.post("/api/admin/orders/" + sessionId + "/expire"))
        .sendJsonObject(new JsonObject()));
    assertProblem(refused, 400);
    assertProblem(act("/api/admin/orders/" + sessionId + "/expire", "   "), 400);
    assertEquals("pending", get("/api/admin/orders/" + sessionId).getJsonObject("order").getString("status"));
    HttpResponse<Buffer> expired = act("/api/admin/orders/" + sessionId + "/expire", "buyer asked to cancel");
    assertEquals(200, expired.statusCode(), expired.bodyAsString());
    JsonObject detail = get("/api/admin/orders/" + sessionId);
    assertEquals("expired", detail.getJsonObject("order").getString("status"));
    assertEquals("expire", detail.getJsonArray("audit").getJsonObject(0).getString("action"));
    assertProblem(act("/api/admin/orders/" + sessionId + "/expire", "again"), 409);
  }

  @Test
  void aFailedFileRetriedByAnAdminEndsCompletedWithoutASecondCharge() {
    JsonObject failed = paidAndSettled(1, "a lantern over a canal [sandbox:fail:1]", SignIns.newEmail());
    String sessionId = failed.getString("sessionId");
    assertEquals("error", failed.getString("status"));
    JsonObject file = failed.getJsonArray("files").getJsonObject(0);
    String fileId = file.getString("id");
    assertEquals("failed", file.getString("status"));
    assertEquals("succeeded", file.getJsonObject("refund").getString("status"), "refunded before the retry");
    List<String> paymentIntents = keys("sandbox:stripe:pi:*");
    List<String> sessions = keys("sandbox:stripe:cs:*");
    List<String> refunds = sandboxRefunds(sessionId);
    assertEquals(1, refunds.size());

    Future<JsonObject> completed = genpay.reaches(sessionId, "completed");
    HttpResponse<Buffer> retried = act("/api/admin/files/" + fileId + "/retry", "provider outage, ticket 42");
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertEquals("retried", retried.bodyAsJsonObject().getString("outcome"));
    JsonObject done = await(completed.timeout(60, TimeUnit.SECONDS));

    JsonObject doneFile = done.getJsonArray("files").getJsonObject(0);
    assertEquals(fileId, doneFile.getString("id"), "the same file, made again");
    assertEquals("completed", doneFile.getString("status"));
    assertEquals("succeeded", doneFile.getJsonObject("refund").getString("status"),
        "the refund already issued stays: the retry is a free redo");
    assertEquals(paymentIntents, keys("sandbox:stripe:pi:*"), "no new charge");
    assertEquals(sessions, keys("sandbox:stripe:cs:*"), "no new Checkout Session");
    assertEquals(refunds, sandboxRefunds(sessionId), "no second refund");

    JsonObject detail = get("/api/admin/orders/" + sessionId);
    JsonObject audit = detail.getJsonArray("audit").getJsonObject(0);
    assertEquals("retry", audit.getString("action"));
    assertEquals(fileId, audit.getString("target"));
    assertEquals(ADMIN.toLowerCase(), audit.getString("admin").toLowerCase());
    assertEquals("provider outage, ticket 42", audit.getString("reason"));
    Response stream = await(genpay.redis.send(Request.cmd(Command.XRANGE).arg(AdminKeys.AUDIT).arg("-").arg("+")));
    assertTrue(stream.stream().anyMatch(entry -> entry.get(1).toString().contains(fileId)
        && entry.get(1).toString().contains("retry")), "in the audit stream");
    assertEquals(1, detail.getJsonArray("files").getJsonObject(0).getInteger("retries"));
    assertProblem(act("/api/admin/files/" + fileId + "/retry", "again"), 409);
  }

  @Test
  void aRetriedCreditOrderFileSpendsNoCredits() {
    String session = SignIns.signIn(genpay);
    String accountId = get2(session, "/api/account").getString("id");
    JsonObject granted = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", accountId).put("type", "purchase").put("amount", 100)
            .put("sourceId", "cs_test_admingrant" + System.nanoTime()).put("description", "test top-up"))).body();
    assertEquals("applied", granted.getString("status"), granted.encode());
    // Videos need a paid plan (its jobs go to the priority stream, which the retry must queue in again).
    await(genpay.redis.send(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg("pro")));
    String prompt = "a credit kite " + UUID.randomUUID() + " [sandbox:fail:1]";
    Future<JsonObject> ended = genpay.sessionOfPrompt(prompt, session2 -> "error".equals(session2.getString("status"))
        && session2.getJsonArray("files").getJsonObject(0).getJsonObject("refund") != null
        && "succeeded".equals(session2.getJsonArray("files").getJsonObject(0).getJsonObject("refund")
        .getString("status")));
    HttpResponse<Buffer> created = await(as(session, genpay.http.post("/api/generations"))
        .sendJsonObject(new JsonObject().put("type", "video").put("prompt", prompt).put("quantity", 1)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject failed = await(ended.timeout(60, TimeUnit.SECONDS));
    String orderId = failed.getString("sessionId");
    double before = balance(accountId);

    Future<JsonObject> completed = genpay.reaches(orderId, "completed");
    HttpResponse<Buffer> retried = act("/api/admin/files/" + failed.getJsonArray("files").getJsonObject(0)
        .getString("id") + "/retry", "redo on the house");
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    await(completed.timeout(60, TimeUnit.SECONDS));
    assertEquals(before, balance(accountId), "the ledger is unchanged by the retry");
  }

  private static JsonObject get2(String session, String path) {
    HttpResponse<Buffer> answer = await(as(session, genpay.http.get(path)).send());
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private static double balance(String accountId) {
    return await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_BALANCE,
        new JsonObject().put("accountId", accountId))).body().getDouble("balance");
  }

  @Test
  void aManualRefundAskedTwiceRefundsOnce() {
    JsonObject done = paidAndSettled(1, "a red umbrella in the snow", SignIns.newEmail());
    String sessionId = done.getString("sessionId");
    assertEquals("completed", done.getString("status"));
    String fileId = done.getJsonArray("files").getJsonObject(0).getString("id");
    assertEquals(List.of(), sandboxRefunds(sessionId));

    Future<JsonObject> refunded = genpay.sessionWhere(sessionId, session -> session.getJsonArray("files")
        .getJsonObject(0).getJsonObject("refund") != null && "succeeded".equals(session.getJsonArray("files")
        .getJsonObject(0).getJsonObject("refund").getString("status")));
    // Both at once, by the file and by the order: one refund.
    var first = as(admin, genpay.http.post("/api/admin/files/" + fileId + "/refund"))
        .sendJsonObject(new JsonObject().put("reason", "video was not what was asked"));
    var second = as(admin, genpay.http.post("/api/admin/orders/" + sessionId + "/refund"))
        .sendJsonObject(new JsonObject().put("reason", "video was not what was asked"));
    List<String> outcomes = List.of(await(first).bodyAsJsonObject().getString("outcome"),
        await(second).bodyAsJsonObject().getString("outcome"));
    assertTrue(outcomes.contains("refund-owed") && outcomes.contains("already-refunded"), outcomes.toString());
    JsonObject session = await(refunded.timeout(60, TimeUnit.SECONDS));
    assertEquals(500L, session.getJsonObject("refunded").getLong("amount"));
    assertEquals("already-refunded", act("/api/admin/orders/" + sessionId + "/refund", "once more")
        .bodyAsJsonObject().getString("outcome"));
    assertEquals(1, sandboxRefunds(sessionId).size(), "the Stripe sandbox made one refund: " + sandboxRefunds(sessionId));
    JsonObject detail = get("/api/admin/orders/" + sessionId);
    assertEquals(1, detail.getJsonArray("refunds").size());
    assertEquals(3, detail.getJsonArray("audit").size(), "each ask is audited");
    assertTrue(detail.getJsonArray("stripeEvents").stream().map(JsonObject.class::cast)
        .anyMatch(event -> "checkout.session.completed".equals(event.getString("type"))), detail.encode());
  }

  @Test
  void searchBySessionIdOrderIdFileIdAndEmailFindsTheOrder() {
    String email = SignIns.newEmail();
    JsonObject card = paidAndSettled(1, "a searchable heron", email);
    String sessionId = card.getString("sessionId");
    String fileId = card.getJsonArray("files").getJsonObject(0).getString("id");
    for (String q : List.of(sessionId, fileId, email, email.toUpperCase())) {
      JsonArray items = get("/api/admin/orders?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))
          .getJsonArray("items");
      assertEquals(1, items.size(), q + ": " + items.encode());
      assertEquals(sessionId, items.getJsonObject(0).getString("id"), q);
    }
    String session = SignIns.signIn(genpay);
    String prompt = "a searchable credit order " + UUID.randomUUID();
    Future<JsonObject> ended = genpay.sessionOfPrompt(prompt, "completed");
    HttpResponse<Buffer> created = await(as(session, genpay.http.post("/api/generations"))
        .sendJsonObject(new JsonObject().put("type", "image").put("prompt", prompt).put("quantity", 1)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String orderId = created.bodyAsJsonObject().getString("orderId");
    await(ended.timeout(60, TimeUnit.SECONDS));
    JsonArray items = get("/api/admin/orders?q=" + orderId).getJsonArray("items");
    assertEquals(1, items.size());
    assertEquals(orderId, items.getJsonObject(0).getString("id"));
    assertEquals("credits", items.getJsonObject(0).getString("kind"));
    assertEquals(0, get("/api/admin/orders?q=" + UUID.randomUUID()).getJsonArray("items").size());
    assertProblem(await(as(admin, genpay.http.get("/api/admin/orders?q=nonsense")).send()), 400);
  }

  @Test
  void theListIsNewestFirstFilteredAndPagedAndTheFunnelCountsItsStages() {
    long from = System.currentTimeMillis();
    String failed = paidAndSettled(1, "a funnel test that fails [sandbox:fail:1]", SignIns.newEmail())
        .getString("sessionId");
    String completed = paidAndSettled(1, "a funnel test that works", SignIns.newEmail()).getString("sessionId");
    String pending = genpay.order(1, "a funnel test never paid");
    long to = System.currentTimeMillis();

    JsonObject page = get("/api/admin/orders?from=" + from + "&to=" + to + "&limit=2");
    assertEquals(3, page.getInteger("total"));
    assertEquals(List.of(pending, completed), page.getJsonArray("items").stream()
        .map(item -> ((JsonObject) item).getString("id")).toList(), "newest first");
    assertEquals(List.of(failed), get("/api/admin/orders?from=" + from + "&to=" + to + "&limit=2&page=2")
        .getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList());
    assertEquals(List.of(failed), get("/api/admin/orders?status=error&from=" + from + "&to=" + to)
        .getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList());
    assertProblem(await(as(admin, genpay.http.get("/api/admin/orders?status=lost")).send()), 400);
    assertProblem(await(as(admin, genpay.http.get("/api/admin/orders?from=yesterday")).send()), 400);

    JsonObject files = get("/api/admin/files?status=failed&limit=100");
    assertTrue(files.getJsonArray("items").stream().map(JsonObject.class::cast)
        .anyMatch(file -> failed.equals(file.getString("sessionId"))), files.encode());

    JsonObject funnel = get("/api/admin/funnel?from=" + from + "&to=" + to);
    assertEquals(3, funnel.getInteger("created"));
    assertEquals(2, funnel.getInteger("paid"));
    assertEquals(1, funnel.getInteger("allDone"));
    assertEquals(1, funnel.getInteger("failed"));
    assertNotEquals(null, funnel.getJsonObject("medianMs").getLong("paidToAllDone"));
    HttpResponse<Buffer> svg = await(as(admin, genpay.http.get("/api/admin/funnel.svg?from=" + from + "&to=" + to))
        .send());
    assertEquals(200, svg.statusCode());
    assertTrue(svg.getHeader("Content-Type").startsWith("image/svg+xml"));
    assertTrue(svg.bodyAsString().startsWith("<svg") && svg.bodyAsString().contains("data-stage=\"Paid\""));
    assertProblem(await(as(admin, genpay.http.get("/api/admin/funnel")).send()), 400);
  }
}
