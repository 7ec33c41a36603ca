package genpay.requests;

import genpay.ProblemAssert;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.config.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.TestEngine.await;
import static genpay.requests.RequestTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * POST /api/generation-requests as DESIGN.md section 16 says, against the Stripe sandbox, with a stand-in for the
 * site calculation (120 URLs; gemini 0.50 EUR, ollama free). The sandbox's own webhooks are off: the one webhook
 * a test needs is sent by the test, when it wants it; no worker takes the queued requests.
 */
class GenerationRequestsApiTest {

  private static TestEngine genpay;
  private static final Map<String, AtomicInteger> CALCULATIONS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    // No worker: these tests look at the queue itself, and the stand-in lists no pages a worker could read.
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false"));
    await(genpay.engine.vertx().eventBus().<JsonObject>localConsumer(Addresses.SITES_CALCULATE, message -> {
      String hostname = message.body().getString("hostname");
      CALCULATIONS.computeIfAbsent(hostname, name -> new AtomicInteger()).incrementAndGet();
      if (hostname.startsWith("unreadable.")) {
        message.fail(BusFailure.BAD_GATEWAY, "The sitemap of " + hostname + " could not be read.");
        return;
      }
      message.reply(new JsonObject().put("hostname", hostname).put("urlCount", 120).put("prices", new JsonObject()
          .put("gemini", new JsonObject().put("total", 0.5).put("perUrl", 0.00097).put("currency", "eur")
              .put("paid", true))
          .put("ollama", new JsonObject().put("total", 0).put("perUrl", 0).put("currency", "eur").put("paid", false)))
          .put("calculatedAt", System.currentTimeMillis()));
    }).completion());
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  @Test
  void aFreeRequestIsQueuedAtOnceAndFoundAgainWhileItRuns() {
    long before = xadds(genpay);
    HttpResponse<Buffer> created = submit(genpay, "free.example", "ollama");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject request = created.bodyAsJsonObject();
    assertTrue(RequestIds.valid(request.getString("id")), request.encode());
    assertEquals("queued", request.getString("status"));
    assertFalse(request.getBoolean("requiresPayment"));
    assertEquals(0, request.getDouble("amount"));
    assertEquals(new JsonObject().put("done", 0).put("total", 120), request.getJsonObject("progress"));
    assertNull(request.getValue("paymentLink"));
    assertEquals(1, xadds(genpay) - before, "one job queued");

    HttpResponse<Buffer> again = submit(genpay, "FREE.example.", "ollama");
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(request.getString("id"), again.bodyAsJsonObject().getString("id"));
    assertEquals(1, xadds(genpay) - before, "asked again: nothing queued again");

    HttpResponse<Buffer> read = await(genpay.http.get("/api/generation-requests/" + request.getString("id")).send());
    assertEquals(200, read.statusCode());
    assertEquals("free.example", read.bodyAsJsonObject().getString("hostname"));
    assertEquals("ollama", read.bodyAsJsonObject().getString("provider"));
  }

  @Test
  void aPaidRequestKeepsItsLinkWhileOpenAndGetsANewOneOnceExpired() {
    HttpResponse<Buffer> first = submit(genpay, "paid.example", "gemini");
    assertEquals(200, first.statusCode(), first.bodyAsString());
    JsonObject request = first.bodyAsJsonObject();
    assertTrue(request.getBoolean("requiresPayment"));
    assertEquals("awaiting_payment", request.getString("status"));
    assertEquals(0.5, request.getDouble("amount"));
    assertEquals("eur", request.getString("currency"));
    String link = request.getString("paymentLink");
    assertNotNull(link, request.encode());

    JsonObject session = session(genpay, sessionOf(link));
    assertEquals("payment", session.getString("mode"));
    assertEquals(50, session.getLong("amount_total"));
    assertEquals("eur", session.getString("currency"));
    assertEquals(new JsonObject().put("kind", "generation_request").put("generationRequestId", request.getString("id"))
        .put("hostname", "paid.example").put("provider", "gemini"), session.getJsonObject("metadata"));

    JsonObject second = submit(genpay, "paid.example", "gemini").bodyAsJsonObject();
    assertEquals(request.getString("id"), second.getString("id"));
    assertEquals(link, second.getString("paymentLink"), "open: the same link");

    expire(genpay, sessionOf(link));
    JsonObject third = submit(genpay, "paid.example", "gemini").bodyAsJsonObject();
    assertEquals(request.getString("id"), third.getString("id"));
    String renewed = third.getString("paymentLink");
    assertNotNull(renewed, third.encode());
    assertNotEquals(link, renewed, "expired: a new link");
    assertEquals("open", session(genpay, sessionOf(renewed)).getString("status"));

    assertEquals(renewed, submit(genpay, "paid.example", "gemini").bodyAsJsonObject().getString("paymentLink"));
    assertEquals(1, CALCULATIONS.get("paid.example").get(), "the open request is found without a new calculation");
  }

  @Test
  void aPaymentQueuesTheRequestOnceWhenFiftyCallsAndTheWebhookRace() {
    JsonObject request = submit(genpay, "race.example", "gemini").bodyAsJsonObject();
    String id = request.getString("id");
    String sessionId = sessionOf(request.getString("paymentLink"));
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());
    JsonObject paid = session(genpay, sessionId);
    assertEquals("paid", paid.getString("payment_status"));
    List<JsonObject> queuedChanges = new java.util.concurrent.CopyOnWriteArrayList<>();
    Future<JsonObject> firstQueued = changed(genpay, id, change -> "queued".equals(change.getString("status")));
    var consumer = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.REQUESTS_CHANGED, change -> {
      if (id.equals(change.body().getString("id")) && "queued".equals(change.body().getString("status"))) {
        queuedChanges.add(change.body());
      }
    });
    await(consumer.completion());

    long before = xadds(genpay);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(submitAsync(genpay, "race.example", "gemini"));
      if (i == 25) {
        calls.add(webhook(genpay, "checkout.session.completed", paid));
      }
    }
    await(Future.join(calls), 60);
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> answer = call.result();
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      if (answer.bodyAsJsonObject().containsKey("status")) {
        assertEquals(id, answer.bodyAsJsonObject().getString("id"));
        assertEquals("queued", answer.bodyAsJsonObject().getString("status"), answer.bodyAsString());
        assertFalse(answer.bodyAsJsonObject().containsKey("paymentLink"));
      }
    }
    assertEquals(1, xadds(genpay) - before, "exactly one job queued");
    assertEquals("queued", field(genpay, id, "status"));
    assertEquals(paid.getString("payment_intent"), field(genpay, id, "paymentIntent"));
    await(firstQueued);
    assertEquals(1, queuedChanges.size(), "one change to queued published");

    // The webhook again (Stripe retries): answered 200, nothing queued.
    assertEquals(200, await(webhook(genpay, "checkout.session.completed", paid)).statusCode());
    assertEquals(1, xadds(genpay) - before);
  }

  @Test
  void aPaymentOfAnotherAmountDoesNotQueue() {
    JsonObject request = submit(genpay, "tampered.example", "gemini").bodyAsJsonObject();
    String sessionId = sessionOf(request.getString("paymentLink"));
    genpay.clickOnCheckoutPage(sessionId, "paid");
    JsonObject paid = session(genpay, sessionId).put("amount_total", 1);
    long before = xadds(genpay);
    assertEquals(200, await(webhook(genpay, "checkout.session.completed", paid)).statusCode());
    assertEquals(0, xadds(genpay) - before);
    assertEquals("awaiting_payment", field(genpay, request.getString("id"), "status"));
  }

  @Test
  void badInputIsA400ProblemAndChangesNothing() {
    String digest = genpay.redisDigest();
    for (String hostname : List.of("", "127.0.0.1", "[::1]", "localhost:" + genpay.port, "user@example.com",
        "https://example.com/", "example.com/path", "exa mple.com")) {
      HttpResponse<Buffer> refused = submit(genpay, hostname, "ollama");
      ProblemAssert.assertProblem(refused, 400);
      assertEquals("hostname", refused.bodyAsJsonObject().getString("field"), hostname);
    }
    HttpResponse<Buffer> provider = submit(genpay, "example.com", "nobody");
    ProblemAssert.assertProblem(provider, 400);
    assertEquals("provider", provider.bodyAsJsonObject().getString("field"));
    ProblemAssert.assertProblem(await(genpay.http.post("/api/generation-requests").sendBuffer(Buffer.buffer("[]"))), 400);
    ProblemAssert.assertProblem(await(genpay.http.post("/api/generation-requests")
        .sendJsonObject(new JsonObject().put("hostname", 5).put("provider", "ollama"))), 400);
    assertEquals(digest, genpay.redisDigest(), "nothing stored");
    assertNull(CALCULATIONS.get("127.0.0.1"));
    assertNull(CALCULATIONS.get("localhost"));

    HttpResponse<Buffer> unreadable = submit(genpay, "unreadable.example", "ollama");
    ProblemAssert.assertProblem(unreadable, 502);
    assertEquals(digest, genpay.redisDigest(), "nothing stored for a site that could not be read");
  }

  @Test
  void unknownAndMalformedIds() {
    ProblemAssert.assertProblem(await(genpay.http.get("/api/generation-requests/greq_000000000000000000000000")
        .send()), 404);
    ProblemAssert.assertProblem(await(genpay.http.get("/api/generation-requests/nope").send()), 400);
    ProblemAssert.assertProblem(await(genpay.http.get("/api/generation-requests/greq_000000000000000000000000/result")
        .send()), 404);
    ProblemAssert.assertProblem(await(genpay.http.get("/api/events/generation-request/greq_000000000000000000000000")
        .send()), 404);
    ProblemAssert.assertProblem(await(genpay.http.get("/api/events/generation-request/x").send()), 400);

    String id = submit(genpay, "notready.example", "ollama").bodyAsJsonObject().getString("id");
    ProblemAssert.assertProblem(await(genpay.http.get("/api/generation-requests/" + id + "/result").send()), 409);
  }
}
