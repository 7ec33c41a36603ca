package genpay.browser;

import genpay.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The success page opened while Redis is away shows the order once Redis is back; refused its stream once, it
 * opens it again; an unknown order still says so.
 */
class StreamRecoveryInBrowserTest {

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"));
    origin = genpay.settings().appUrl();
    browser = Browser.launch(genpay.engine.vertx());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    genpay.close();
  }

  /** Resolves with "status X" once the page shows the order in status X, or "problem ..." once it shows a problem. */
  private static final String AWAIT_STATUS_OR_PROBLEM = """
      const done = arguments[arguments.length - 1];
      const wanted = arguments[0];
      const check = () => {
        const problem = document.getElementById('problem');
        if (document.body.getAttribute('data-status') === wanted) { done('status ' + wanted); return true; }
        if (!problem.hidden && problem.textContent) { done('problem ' + problem.textContent); return true; }
        return false;
      };
      if (!check()) { const o = new MutationObserver(() => { if (check()) { o.disconnect(); } });
        o.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true}); }
      """;

  /** The first answer the page got for {@code url}, as "status url", from the DevTools log. */
  private static String awaitAnswer(String url) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String answer : browser.responses()) {
        if (answer.endsWith(" " + url)) {
          return answer;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the page got no answer for " + url);
  }

  @Test
  void theSuccessPageOpenedDuringARedisOutageShowsTheOrderWhenRedisIsBack() throws Exception {
    String sessionId = genpay.order(1, "a kite over a frozen lake");
    String events = origin + "/api/events/session/" + sessionId;
    browser.responses();
    genpay.engine.embeddedRedis().stop();
    try {
      browser.go(origin + "/en/payment-success/" + sessionId);
      assertEquals("200 " + events, awaitAnswer(events), "the stream is answered while Redis is away");
    } finally {
      genpay.engine.embeddedRedis().restart();
    }
    assertEquals("status pending", browser.awaitScript(AWAIT_STATUS_OR_PROBLEM, "pending"));
    genpay.clickOnCheckoutPage(sessionId, "paid");
    assertEquals("status processing", browser.awaitScript(AWAIT_STATUS_OR_PROBLEM, "processing"));
    assertEquals("Making your videos", browser.run("return document.getElementById('headline').textContent;"));
  }

  /**
   * A front on its own loopback port that answers the first {@code failures} stream requests 503, as a proxy
   * in front of an engine that restarts would, and passes everything else through to the engine.
   */
  private static HttpServer flakyFront(int failures) {
    Vertx vertx = genpay.engine.vertx();
    HttpClient engine = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    AtomicInteger left = new AtomicInteger(failures);
    return await(vertx.createHttpServer().requestHandler(request -> {
      HttpServerResponse response = request.response();
      if (request.path().startsWith("/api/events/") && left.getAndDecrement() > 0) {
        response.setStatusCode(503).putHeader("Content-Type", "application/problem+json").end("{\"status\":503}");
        return;
      }
      request.body().compose(body -> engine.request(new RequestOptions().setMethod(request.method())
              .setHost("127.0.0.1").setPort(genpay.port).setURI(request.uri()).setHeaders(request.headers()))
          .compose(forwarded -> forwarded.send(body)))
          .onFailure(failure -> response.setStatusCode(502).end())
          .onSuccess(answer -> {
            response.setStatusCode(answer.statusCode());
            answer.headers().forEach((name, value) -> {
              if (!name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("connection")) {
                response.headers().add(name, value);
              }
            });
            if (!answer.headers().contains("content-length")) {
              response.setChunked(true);
            }
            response.closeHandler(closed -> answer.request().connection().close());
            answer.pipeTo(response);
          });
    }).listen(0, "127.0.0.1"));
  }

  @Test
  void aStreamRefusedOnceIsOpenedAgainByThePage() {
    HttpServer front = flakyFront(1);
    try {
      String sessionId = genpay.order(1, "a heron in the reeds");
      String via = "http://127.0.0.1:" + front.actualPort();
      browser.responses();
      browser.go(via + "/en/payment-success/" + sessionId);
      assertEquals("status pending", browser.awaitScript(AWAIT_STATUS_OR_PROBLEM, "pending"));
      genpay.clickOnCheckoutPage(sessionId, "paid");
      assertEquals("status processing", browser.awaitScript(AWAIT_STATUS_OR_PROBLEM, "processing"),
          "the page opened its stream again and follows the order");
      List<String> api = browser.responses().stream().filter(answer -> answer.contains("/api/")).toList();
      assertEquals(List.of("503 " + via + "/api/events/session/" + sessionId,
          "200 " + via + "/api/webhook-status/" + sessionId, "200 " + via + "/api/events/session/" + sessionId),
          api, "one look after the refusal, then the stream again");
    } finally {
      await(front.close());
    }
  }

  @Test
  void anUnknownOrderStillSaysSo() throws Exception {
    String sessionId = "cs_test_NoSuchOrderInThisEngine1";
    browser.responses();
    browser.go(origin + "/en/payment-success/" + sessionId);
    Object problem = browser.awaitScript(AWAIT_STATUS_OR_PROBLEM, "pending");
    assertTrue(problem.toString().startsWith("problem We could not load this order"), problem.toString());
    List<String> api = browser.responses().stream().filter(answer -> answer.contains("/api/")).toList();
    assertEquals(List.of("404 " + origin + "/api/events/session/" + sessionId,
        "404 " + origin + "/api/webhook-status/" + sessionId), api,
        "one stream, one look to tell unknown from unavailable, and no reopening");
  }
}
