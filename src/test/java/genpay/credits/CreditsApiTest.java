package genpay.credits;

import genpay.TestEngine;
import genpay.push.SseClient;
import genpay.config.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The credits API, the account stream and the credits pages, on a real engine over HTTP; credits granted over the bus. */
class CreditsApiTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("TRUSTED_PROXIES", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static HttpResponse<Buffer> get(String path, String session) {
    var request = genpay.http.get(path);
    if (session != null) {
      request.putHeader("Cookie", "gp_session=" + session);
    }
    return await(request.send());
  }

  private static JsonObject getJson(String path, String session) {
    HttpResponse<Buffer> response = get(path, session);
    assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
    return response.bodyAsJsonObject();
  }

  private static String accountId(String session) {
    return getJson("/api/account", session).getString("id");
  }

  private static JsonObject grant(String accountId, String type, double amount, String sourceId, String description) {
    JsonObject reply = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", accountId).put("type", type).put("amount", amount).put("sourceId", sourceId)
            .put("description", description))).body();
    assertEquals("applied", reply.getString("status"), reply.encode());
    return reply;
  }

  private static void spend(String accountId, double amount, String sourceId, String model) {
    JsonObject reply = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_SPEND,
        new JsonObject().put("accountId", accountId).put("amount", amount).put("sourceId", sourceId)
            .put("operation", "video").put("model", model).put("description", "a video"))).body();
    assertEquals("applied", reply.getString("status"), reply.encode());
  }

  @Test
  void everyAccountRouteWantsASignIn() {
    for (String path : List.of("/api/credits/balance", "/api/credits/transactions", "/api/credits/transactions.csv",
        "/api/credits/usage/summary", "/api/credits/usage/daily", "/api/credits/usage/models", "/api/events/account")) {
      HttpResponse<Buffer> response = get(path, null);
      assertEquals(401, response.statusCode(), path);
      assertProblem(response, 401);
    }
  }

  @Test
  void plansPackagesAndPaymentConfigArePublic() {
    JsonObject plans = getJson("/api/credits/plans", null);
    assertEquals("usd", plans.getString("currency"));
    JsonArray list = plans.getJsonArray("plans");
    assertEquals(List.of("free", "pro", "enterprise"), list.stream().map(p -> ((JsonObject) p).getString("id")).toList());
    JsonObject pro = list.getJsonObject(1);
    assertEquals(500.0, pro.getDouble("monthlyCredits"));
    assertEquals(29.0, pro.getDouble("monthlyPrice"));
    assertEquals(290.0, pro.getDouble("yearlyPrice"));
    assertEquals(true, pro.getBoolean("apiAccess"));
    assertEquals(List.of("image"), list.getJsonObject(0).getJsonArray("types").getList());

    JsonObject packages = getJson("/api/credits/packages", null);
    JsonObject basic = packages.getJsonArray("packages").stream().map(p -> (JsonObject) p)
        .filter(p -> "basic".equals(p.getString("id"))).findFirst().orElseThrow();
    assertEquals(100.0, basic.getDouble("credits"));
    assertEquals(5.0, basic.getDouble("bonus"));
    assertEquals(105.0, basic.getDouble("total"));
    assertEquals(9.0, basic.getDouble("price"));
    assertEquals(6, packages.getJsonArray("packages").size());
    JsonObject custom = packages.getJsonObject("custom");
    assertEquals(50, custom.getInteger("min"));
    assertEquals(100000, custom.getInteger("max"));
    assertEquals(0.1, custom.getDouble("unitPrice"));

    JsonObject payment = getJson("/api/payment/config", null);
    assertEquals(true, payment.getBoolean("sandbox"));
    assertEquals(genpay.settings().stripePublishableKey(), payment.getString("publishableKey"));
  }

  @Test
  void balanceShowsEveryBucketAndThePlan() {
    String session = SignIns.signIn(genpay);
    String account = accountId(session);
    grant(account, "purchase", 12.5, "cs_test_bal" + System.nanoTime(), "50 credits");
    JsonObject balance = getJson("/api/credits/balance", session);
    assertEquals(22.5, balance.getDouble("balance"));
    assertEquals("free", balance.getString("plan"));
    JsonArray buckets = balance.getJsonArray("buckets");
    assertEquals(2, buckets.size(), buckets.encode());
    JsonObject free = buckets.stream().map(b -> (JsonObject) b).filter(b -> "free_grant".equals(b.getString("source")))
        .findFirst().orElseThrow();
    assertEquals(10.0, free.getDouble("remaining"));
    assertTrue(free.getString("expiresAt").endsWith("Z"), free.encode());
    JsonObject bought = buckets.stream().map(b -> (JsonObject) b).filter(b -> "purchase".equals(b.getString("source")))
        .findFirst().orElseThrow();
    assertEquals(12.5, bought.getDouble("remaining"));
    assertNull(bought.getValue("expiresAt"));
  }

  @Test
  void transactionsPageFilterAndSearch() {
    String session = SignIns.signIn(genpay);
    String account = accountId(session);
    String tag = "t" + System.nanoTime();
    grant(account, "purchase", 100, "cs_test_a" + tag, "pack " + tag);
    grant(account, "bonus", 5, "cs_test_b" + tag, "bonus");
    spend(account, 10, "ord_" + tag, "google-cloud/veo3-text2video");

    JsonObject first = getJson("/api/credits/transactions?page=1&limit=2", session);
    assertEquals(4, first.getLong("total")); // free grant, purchase, bonus, usage
    assertEquals(1, first.getInteger("page"));
    assertEquals(2, first.getInteger("limit"));
    assertEquals(2, first.getJsonArray("items").size());
    assertEquals("usage", first.getJsonArray("items").getJsonObject(0).getString("type"));
    assertEquals(-10.0, first.getJsonArray("items").getJsonObject(0).getDouble("amount"));
    JsonObject second = getJson("/api/credits/transactions?page=2&limit=2", session);
    assertEquals(2, second.getJsonArray("items").size());
    assertEquals("free_grant", second.getJsonArray("items").getJsonObject(1).getString("type"));

    JsonObject usage = getJson("/api/credits/transactions?type=usage", session);
    assertEquals(1, usage.getLong("total"));
    assertEquals(20, usage.getInteger("limit"));
    JsonObject search = getJson("/api/credits/transactions?q=pack%20" + tag, session);
    assertEquals(1, search.getLong("total"));
    assertEquals("purchase", search.getJsonArray("items").getJsonObject(0).getString("type"));

    Map<String, String> bad = Map.of("page=0", "page", "limit=0", "limit", "limit=101", "limit", "page=x", "page",
        "type=gift", "type", "q=" + "a".repeat(201), "q");
    bad.forEach((query, field) -> {
      HttpResponse<Buffer> response = get("/api/credits/transactions?" + query, session);
      assertEquals(400, response.statusCode(), query);
      assertProblem(response, 400);
      assertEquals(field, response.bodyAsJsonObject().getString("field"), query);
      assertEquals(400, get("/api/credits/transactions.csv?" + query, session).statusCode(), query);
    });
  }

  @Test
  void csvExportQuotesAndFilters() {
    String session = SignIns.signIn(genpay);
    String account = accountId(session);
    grant(account, "adjustment", 3, "op_" + System.nanoTime(), "say \"hi\", then\nleave");
    grant(account, "adjustment", 1, "op2_" + System.nanoTime(), "=HYPERLINK(\"x\")");
    HttpResponse<Buffer> response = get("/api/credits/transactions.csv", session);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("text/csv"));
    assertTrue(response.getHeader("Content-Disposition").startsWith("attachment; filename=\"credits-"));
    String csv = response.bodyAsString();
    String[] lines = csv.split("\r\n", -1);
    assertEquals("id,at,type,amount,balance_after,bucket,source,source_id,operation,model,description", lines[0]);
    assertTrue(csv.contains(",\"say \"\"hi\"\", then\nleave\"\r\n"), csv);
    assertTrue(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\"\r\n"), csv);
    assertTrue(csv.contains(",adjustment,3.0,") || csv.contains(",adjustment,3,"), csv);
    assertTrue(csv.endsWith("\r\n"));
    String free = get("/api/credits/transactions.csv?type=free_grant", session).bodyAsString();
    assertEquals(3, free.split("\r\n", -1).length, free); // header, one row, the empty tail
  }

  @Test
  void usageSummaryDailyAndModels() {
    String session = SignIns.signIn(genpay);
    String account = accountId(session);
    spend(account, 2.5, "ord_u" + System.nanoTime(), "model-a");
    JsonObject summary = getJson("/api/credits/usage/summary", session);
    assertEquals(2.5, summary.getDouble("credits"));
    assertEquals(1, summary.getLong("count"));
    assertEquals(java.time.LocalDate.parse(summary.getString("to")).minusDays(29).toString(), summary.getString("from"));
    JsonObject daily = getJson("/api/credits/usage/daily?days=7", session);
    assertEquals(7, daily.getJsonArray("days").size());
    assertEquals(2.5, daily.getJsonArray("days").getJsonObject(6).getDouble("credits"));
    assertEquals(30, getJson("/api/credits/usage/daily", session).getJsonArray("days").size());
    JsonObject models = getJson("/api/credits/usage/models", session);
    assertEquals(2.5, models.getJsonObject("models").getJsonObject("model-a").getDouble("credits"));

    Map<String, String> bad = Map.of("/api/credits/usage/daily?days=0", "days", "/api/credits/usage/daily?days=367", "days",
        "/api/credits/usage/summary?from=2026-13-01", "from", "/api/credits/usage/summary?to=yesterday", "to",
        "/api/credits/usage/models?from=2026-02-01&to=2026-01-01", "from",
        "/api/credits/usage/summary?from=2024-01-01&to=2026-01-01", "from");
    bad.forEach((path, field) -> {
      HttpResponse<Buffer> response = get(path, session);
      assertEquals(400, response.statusCode(), path);
      assertProblem(response, 400);
      assertEquals(field, response.bodyAsJsonObject().getString("field"), path);
    });
  }

  @Test
  void accountStreamSendsTheBalanceThenEachChange() {
    String session = SignIns.signIn(genpay);
    String account = accountId(session);
    HttpClient client = genpay.engine.vertx().createHttpClient();
    SseClient events = await(SseClient.open(client, genpay.port, "/api/events/account", null,
        Map.of("Cookie", "gp_session=" + session)));
    assertEquals(200, events.response.statusCode());
    assertEquals("text/event-stream; charset=utf-8", events.response.getHeader("Content-Type"));
    assertEquals("no-cache", events.response.getHeader("Cache-Control"));
    assertEquals("no", events.response.getHeader("X-Accel-Buffering"));
    SseClient.Event first = await(events.when(event -> true));
    assertEquals("balance", first.type());
    assertEquals(10.0, first.data().getDouble("balance"));
    assertEquals("free", first.data().getString("plan"));
    assertEquals(1, first.data().getJsonArray("buckets").size());

    grant(account, "purchase", 50, "cs_test_live" + System.nanoTime(), "live");
    SseClient.Event next = await(events.when(event -> event.data().getDouble("balance") == 60.0));
    assertEquals("balance", next.type());
    assertTrue(next.id() > first.id());
    assertEquals("purchase", next.data().getJsonObject("change").getString("type"));
    assertEquals(2, next.data().getJsonArray("buckets").size());
    await(client.close());
  }

  @Test
  void pagesAnswerHtmlAndTheChartLibraryIsServedByTheEngine() {
    for (String path : List.of("/en/account", "/en/credits", "/en/credits/history", "/en/credits/buy", "/de/plans")) {
      HttpResponse<Buffer> page = get(path, null);
      assertEquals(200, page.statusCode(), path);
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"), path);
      assertTrue(page.bodyAsString().contains("<html"), path);
    }
    String credits = get("/en/credits", null).bodyAsString();
    assertTrue(credits.contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"), credits);
    assertTrue(!credits.contains("cdn"), "no CDN");
    HttpResponse<Buffer> uplot = get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null);
    assertEquals(200, uplot.statusCode());
    assertTrue(uplot.bodyAsString().contains("uPlot"));
    assertEquals(200, get("/webjars/uplot/1.6.30/dist/uPlot.min.css", null).statusCode());
  }
}
