package genpay.browser;

import genpay.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why HTTPS matters here: a browser speaks HTTP/2 only over TLS, and over HTTP/1.1 it holds at most six
 * connections per host, each order page's stream taking one. Ten order pages in one Chromium all stay live over
 * h2; over HTTP/1.1 the seventh cannot even start until another tab lets its connection go.
 */
class Http2InBrowserTest {

  /**
   * Resolves with the page's protocol once its first event has been shown (the success page marks the body with
   * the order's status), and records from then on every status and progress the page shows.
   */
  private static final String FIRST_EVENT = """
      const done = arguments[arguments.length - 1];
      const seen = window.__seen = [];
      const record = () => {
        const status = document.body.getAttribute('data-status');
        const bar = document.querySelector('.file progress');
        const shown = status + (bar ? ':' + bar.value : '');
        if (status && seen[seen.length - 1] !== shown) { seen.push(shown); }
      };
      new MutationObserver(record).observe(document.body, {subtree: true, childList: true, attributes: true,
        characterData: true});
      const check = () => {
        if (!document.body.hasAttribute('data-status')) { return false; }
        record();
        done(performance.getEntriesByType('navigation')[0].nextHopProtocol);
        return true;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {attributes: true}); }
      """;

  /** Resolves with what the page showed, once it shows the order completed. */
  private static final String COMPLETED = """
      const done = arguments[arguments.length - 1];
      const check = () => {
        if (document.body.getAttribute('data-status') !== 'completed') { return false; }
        done(window.__seen);
        return true;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {attributes: true}); }
      """;

  @Test
  void tenOrderPagesInOneChromiumAllUpdateLiveOverH2() throws Exception {
    Map<String, String> env = new HashMap<>(TestEngine.devCertificate());
    env.put("SANDBOX_GENERATION_SECONDS", "3");
    env.put("FOLLOW_FIRST_DELAY_MS", "200");
    env.put("FOLLOW_MAX_DELAY_MS", "400");
    try (TestEngine genpay = TestEngine.start(env);
         Browser browser = Browser.launch(genpay.engine.vertx(), true)) {
      String origin = genpay.settings().appUrl();
      assertTrue(origin.startsWith("https://127.0.0.1:"), origin);
      List<String> orders = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        orders.add(genpay.order(1, "Order page " + i + ": a lantern drifting on a lake"));
      }
      // Opened before payment, so every page must follow its order live from the first state to the last.
      List<String> tabs = new ArrayList<>();
      browser.networkResponses();
      for (String sessionId : orders) {
        tabs.add(tabs.isEmpty() ? browser.window() : browser.newTab());
        browser.go(origin + "/en/payment-success/" + sessionId);
        assertEquals("h2", browser.awaitScript(FIRST_EVENT), "the page came over HTTP/2");
      }
      assertEquals(10, openStreams(genpay), "all ten streams are held at once");
      List<JsonObject> streams = browser.networkResponses().stream()
          .filter(response -> response.getString("url").contains("/api/events/session/")).toList();
      assertEquals(10, streams.size(), streams.toString());
      streams.forEach(stream -> assertEquals("h2", stream.getString("protocol"), stream.encode()));
      Set<Object> connections = streams.stream().map(stream -> stream.getValue("connectionId"))
          .collect(Collectors.toSet());
      assertEquals(1, connections.size(), "the ten streams share one connection: " + connections);

      for (String sessionId : orders) {
        assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());
      }
      for (String tab : tabs) {
        browser.switchTo(tab);
        JsonArray seen = (JsonArray) browser.awaitScript(COMPLETED);
        List<String> shown = seen.stream().map(String::valueOf).toList();
        assertTrue(shown.size() >= 3, "the page moved through states before completing: " + shown);
        assertFalse(shown.get(0).startsWith("completed"), shown.toString());
        assertTrue(shown.get(shown.size() - 1).startsWith("completed"), shown.toString());
      }
    }
  }

  @Test
  void overHttp11TheSeventhPageWaitsForAFreeConnection() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"));
         Browser browser = Browser.launch(genpay.engine.vertx())) {
      String origin = genpay.settings().appUrl();
      assertTrue(origin.startsWith("http://127.0.0.1:"), origin);
      List<String> orders = new ArrayList<>();
      for (int i = 1; i <= 7; i++) {
        orders.add(genpay.order(1, "Order page " + i + ": a kite over a field"));
      }
      // Unpaid orders: their streams stay open, as a generating order's do.
      List<String> tabs = new ArrayList<>();
      for (String sessionId : orders.subList(0, 6)) {
        tabs.add(tabs.isEmpty() ? browser.window() : browser.newTab());
        browser.go(origin + "/en/payment-success/" + sessionId);
        assertEquals("http/1.1", browser.awaitScript(FIRST_EVENT), "a browser speaks HTTP/1.1 without TLS");
      }
      assertEquals(6, openStreams(genpay));

      // The seventh page, opened from the sixth so that nothing here waits for it to load.
      String seventh = origin + "/en/payment-success/" + orders.get(6);
      browser.run("window.__seventh = window.open(arguments[0], 'seventh');", seventh);
      assertEquals(6, openStreams(genpay), "the six streams hold every connection the browser allows");
      assertNull(browser.run("const w = window.__seventh;"
          + "return w.document.body && w.document.body.getAttribute('data-status');"),
          "the seventh page has had no first event");
      assertEquals("about:blank", browser.run("return window.__seventh.location.href;"),
          "the seventh page has not even arrived: its request waits for a free connection");

      String sixth = browser.window();
      long closedAt = ((Number) browser.run("return Date.now();")).longValue();
      browser.switchTo(tabs.get(0));
      browser.closeWindow();
      browser.switchTo(sixth);
      JsonObject timing = (JsonObject) browser.awaitScript("""
          const done = arguments[arguments.length - 1];
          const look = () => {
            const w = window.__seventh;
            try {
              if (w.location.href === arguments[0] && w.document.body
                  && w.document.body.hasAttribute('data-status')) {
                const entry = w.performance.getEntriesByType('navigation')[0];
                done({requestStartedAt: w.performance.timeOrigin + entry.requestStart,
                  openedAt: w.performance.timeOrigin + entry.startTime,
                  protocol: entry.nextHopProtocol});
                return;
              }
            } catch (e) { /* between documents */ }
            setTimeout(look, 20);
          };
          look();
          """, seventh);
      assertEquals("http/1.1", timing.getString("protocol"));
      System.out.printf("over HTTP/1.1 the seventh order page waited %.0f ms for a connection, until a tab closed%n",
          timing.getDouble("requestStartedAt") - timing.getDouble("openedAt"));
      double sentAt = timing.getDouble("requestStartedAt");
      // Both clocks are the browser's (wall clock, and a page's time origin); 20 ms allow for their rounding. Had a
      // connection been free, the request would have left right after window.open, long before the tab closed.
      assertTrue(sentAt >= closedAt - 20, "the seventh request left only once a tab was closed: sent at " + sentAt
          + ", tab closed after " + closedAt);
    }
  }

  private static final Pattern SSE_OPEN = Pattern.compile("(?m)^genpay_sse_open(?:\\{[^}]*})? ([0-9.]+)$");

  /** Streams the engine holds now, from its own metrics. */
  private static int openStreams(TestEngine genpay) {
    String metrics = TestEngine.await(genpay.http.get("/metrics").send()).bodyAsString();
    Matcher matcher = SSE_OPEN.matcher(metrics);
    assertTrue(matcher.find(), "genpay_sse_open in /metrics");
    return (int) Double.parseDouble(matcher.group(1));
  }
}
