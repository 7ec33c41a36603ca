package genpay.browser;

import genpay.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The success page opened while Redis is away shows the order once Redis is back; an unknown order says so. */
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
