package genpay.requests;

import genpay.ProblemAssert;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.sites.TestSite;
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
 * POST /api/generation-requests as DESIGN.md section 16 says, against the Stripe sandbox and the real site
 * calculation, with ALLOW_PRIVATE_SITES=true: each test serves its own {@link TestSite} on loopback (120 URLs, so
 * gemini at its 0.50 EUR floor, ollama free), named {@code localhost:PORT}. The sandbox's own webhooks are off: the
 * one webhook a test needs is sent by the test, when it wants it; no worker takes the queued requests.
 */
class GenerationRequestsApiTest {

  private static TestEngine genpay;
  /** Calculations asked for on the event bus, by hostname: seen on their way out, whoever answers them. */
  private static final Map<String, AtomicInteger> CALCULATIONS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    // No worker: these tests look at the queue itself.
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false",
        "ALLOW_PRIVATE_SITES", "true"));
    genpay.engine.vertx().eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.SITES_CALCULATE.equals(delivery.message().address())
          && delivery.message().body() instanceof JsonObject body) {
        CALCULATIONS.computeIfAbsent(String.valueOf(body.getValue("hostname")), name -> new AtomicInteger())
            .incrementAndGet();
      }
      delivery.next();
    });
  }

  private static TestSite site() {
    return TestSite.start(genpay.engine.vertx(), TestSite.PAGES);
  }

  private static int calculations() {
    return CALCULATIONS.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  @Test
  void aFreeRequestIsQueuedAtOnceAndFoundAgainWhileItRuns() {
    try (TestSite site = site()) {
      long before = xadds(genpay);
      HttpResponse<Buffer> created = submit(genpay, site.hostname(), "ollama");
      assertEquals(201, created.statusCode(), created.bodyAsString());
      JsonObject request = created.bodyAsJsonObject();
      assertTrue(RequestIds.valid(request.getString("id")), request.encode());
      assertEquals("queued", request.getString("status"));
      assertFalse(request.getBoolean("requiresPayment"));
      assertEquals(0, request.getDouble("amount"));
      assertEquals(new JsonObject().put("done", 0).put("total", 120), request.getJsonObject("progress"));
      assertNull(request.getValue("paymentLink"));
      assertEquals(1, xadds(genpay) - before, "one job queued");

      HttpResponse<Buffer> again = submit(genpay, "LOCALHOST:" + site.port(), "ollama");
      assertEquals(200, again.statusCode(), again.bodyAsString());
      assertEquals(request.getString("id"), again.bodyAsJsonObject().getString("id"));
      assertEquals(1, xadds(genpay) - before, "asked again: nothing queued again");

      HttpResponse<Buffer> read = await(genpay.http.get("/api/generation-requests/" + request.getString("id")).send());
      assertEquals(200, read.statusCode());
      assertEquals(site.hostname(), read.bodyAsJsonObject().getString("hostname"));
      assertEquals("ollama", read.bodyAsJsonObject().getString("provider"));
      assertEquals(1, site.requests("/robots.txt"), "the site was read once");
    }
  }

  @Test
  void aPaidRequestKeepsItsLinkWhileOpenAndGetsANewOneOnceExpired() {
    try (TestSite site = site()) {
      String hostname = site.hostname();
      HttpResponse<Buffer> first = submit(genpay, hostname, "gemini");
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
      assertEquals(new JsonObject().put("kind", "generation_request")
          .put("generationRequestId", request.getString("id")).put("hostname", hostname).put("provider", "gemini"),
          session.getJsonObject("metadata"));

      JsonObject second = submit(genpay, hostname, "gemini").bodyAsJsonObject();
      assertEquals(request.getString("id"), second.getString("id"));
      assertEquals(link, second.getString("paymentLink"), "open: the same link");

      expire(genpay, sessionOf(link));
      JsonObject third = submit(genpay, hostname, "gemini").bodyAsJsonObject();
      assertEquals(request.getString("id"), third.getString("id"));
      String renewed = third.getString("paymentLink");
      assertNotNull(renewed, third.encode());
      assertNotEquals(link, renewed, "expired: a new link");
      assertEquals("open", session(genpay, sessionOf(renewed)).getString("status"));

      assertEquals(renewed, submit(genpay, hostname, "gemini").bodyAsJsonObject().getString("paymentLink"));
      assertEquals(1, CALCULATIONS.get(hostname).get(), "the open request is found without a new calculation");
      assertEquals(1, site.requests("/robots.txt"), "the site was read once");
    }
  }

  @Test
  void aPaymentQueuesTheRequestOnceWhenFiftyCallsAndTheWebhookRace() {
    try (TestSite site = site()) {
      String hostname = site.hostname();
      JsonObject request = submit(genpay, hostname, "gemini").bodyAsJsonObject();
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
        calls.add(submitAsync(genpay, hostname, "gemini"));
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
      await(consumer.unregister());

      // The webhook again (Stripe retries): answered 200, nothing queued.
      assertEquals(200, await(webhook(genpay, "checkout.session.completed", paid)).statusCode());
      assertEquals(1, xadds(genpay) - before);
    }
  }

  @Test
  void aPaymentOfAnotherAmountDoesNotQueue() {
    try (TestSite site = site()) {
      JsonObject request = submit(genpay, site.hostname(), "gemini").bodyAsJsonObject();
      String sessionId = sessionOf(request.getString("paymentLink"));
      genpay.clickOnCheckoutPage(sessionId, "paid");
      JsonObject paid = session(genpay, sessionId).put("amount_total", 1);
      long before = xadds(genpay);
      assertEquals(200, await(webhook(genpay, "checkout.session.completed", paid)).statusCode());
      assertEquals(0, xadds(genpay) - before);
      assertEquals("awaiting_payment", field(genpay, request.getString("id"), "status"));
    }
  }

  @Test
  void badInputIsA400ProblemAndChangesNothing() {
    String digest = genpay.redisDigest();
    int asked = calculations();
    // Each refused before any look-up (none of these names may reach DNS). Refused even with ALLOW_PRIVATE_SITES,
    // which admits localhost:PORT only; GenerationRequestsSsrfTest has loopback refused where it is not allowed.
    for (String hostname : List.of("", "127.0.0.1", "[::1]", "user@example.com", "user@localhost:8080",
        "example.com:8080", "https://example.com/path", "example.com/path", "exa mple.com")) {
      HttpResponse<Buffer> refused = submit(genpay, hostname, "ollama");
      ProblemAssert.assertProblem(refused, 400);
      assertEquals("hostname", refused.bodyAsJsonObject().getString("field"), hostname);
    }
    ProblemAssert.assertProblem(await(genpay.http.post("/api/generation-requests").sendBuffer(Buffer.buffer("[]"))), 400);
    ProblemAssert.assertProblem(await(genpay.http.post("/api/generation-requests")
        .sendJsonObject(new JsonObject().put("hostname", 5).put("provider", "ollama"))), 400);
    assertEquals(digest, genpay.redisDigest(), "nothing stored");
    assertEquals(asked, calculations(), "no calculation asked for bad input");

    // A site nobody serves: a closed loopback port.
    HttpResponse<Buffer> unreadable = submit(genpay, "localhost:" + TestEngine.freePort(), "ollama");
    ProblemAssert.assertProblem(unreadable, 502);
    assertEquals(digest, genpay.redisDigest(), "nothing stored for a site that could not be read");

    // A provider this engine does not offer: refused before the site is read, nothing stored.
    try (TestSite site = site()) {
      long calculationsBefore = calculations();
      HttpResponse<Buffer> provider = submit(genpay, site.hostname(), "nobody");
      ProblemAssert.assertProblem(provider, 400);
      assertEquals("provider", provider.bodyAsJsonObject().getString("field"));
      assertEquals(calculationsBefore, calculations(), "no calculation asked for an unknown provider");
      assertEquals(0, site.requests("/robots.txt"), "the site was not read");
      assertEquals(digest, genpay.redisDigest(), "nothing stored for an unknown provider");
    }
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

    try (TestSite site = site()) {
      String id = submit(genpay, site.hostname(), "ollama").bodyAsJsonObject().getString("id");
      ProblemAssert.assertProblem(await(genpay.http.get("/api/generation-requests/" + id + "/result").send()), 409);
    }
  }
}
