package genpay.browser;

import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console in headless Chromium, signed in as an admin: orders appear and move live; retry works. */
class AdminConsoleInBrowserTest {

  private static final String ADMIN = "console.admin@example.test";
  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  /** Waits until {@code selector} matches an element; answers its text. */
  private static final String AWAIT_SELECTOR = """
      const done = arguments[arguments.length - 1];
      const selector = arguments[0];
      const check = () => {
        const node = document.querySelector(selector);
        if (node) { done(node.textContent); return true; }
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "3", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400", "REFUND_RETRY_SECONDS", "1", "ADMIN_EMAILS", ADMIN));
    origin = genpay.settings().appUrl();
    browser = Browser.launch(genpay.engine.vertx());
    browser.go(origin + genpay.signInPath(ADMIN, "10.8.0.1"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    genpay.close();
  }

  @Test
  void aNewOrderAppearsAndMovesToCompletedWithoutAReload() throws Exception {
    browser.go(origin + "/en/admin");
    browser.awaitScript(AWAIT_SELECTOR, "#live[data-state=open]");
    browser.run("window.__sameDocument = true;");
    browser.requests();

    String sessionId = genpay.order(2, "an admin watches a paper crane fold itself");
    browser.awaitScript(AWAIT_SELECTOR, "#orders tr[data-id='" + sessionId + "'][data-status=pending]");
    assertEquals(sessionId, browser.run("return document.querySelector('#orders tr').dataset.id;"),
        "the new order is on top");
    Future<JsonObject> completed = genpay.reaches(sessionId, "completed");
    genpay.payOnCheckoutPage(sessionId, "buyer.of.cranes@example.test");
    browser.awaitScript(AWAIT_SELECTOR, "#orders tr[data-id='" + sessionId + "'][data-status=processing]");
    await(completed.timeout(60, TimeUnit.SECONDS));
    Object cell = browser.awaitScript(AWAIT_SELECTOR, "#orders tr[data-id='" + sessionId
        + "'][data-status=completed] .files-cell");
    assertEquals("2/2 done · 100%", cell.toString());
    assertEquals(Boolean.TRUE, browser.run("return window.__sameDocument === true;"), "no reload");
    List<String> api = browser.requests().stream().filter(url -> url.startsWith(origin + "/api/")).toList();
    assertTrue(api.stream().noneMatch(url -> url.contains("/api/admin/orders")),
        "no list fetched again while the order moved (no polling): " + api);
    browser.screenshot(Path.of("target", "screenshots", "admin-orders.png"));

    browser.go(origin + "/en/admin/files");
    browser.awaitScript(AWAIT_SELECTOR, "#files tr[data-status=completed]");
    browser.screenshot(Path.of("target", "screenshots", "admin-files.png"));
  }

  @Test
  void theRetryButtonRetriesAFailedFile() throws Exception {
    String sessionId = genpay.order(2, "a failing kite for the admin [sandbox:fail:2]");
    Future<JsonObject> settled = genpay.sessionWhere(sessionId, session -> "error".equals(session.getString("status"))
        && session.getJsonArray("files").stream().map(JsonObject.class::cast).noneMatch(file ->
        file.getJsonObject("refund") != null && "owed".equals(file.getJsonObject("refund").getString("status"))));
    genpay.payOnCheckoutPage(sessionId, "kite.buyer@example.test");
    JsonObject failed = await(settled.timeout(60, TimeUnit.SECONDS));
    String fileId = failed.getJsonArray("files").stream().map(JsonObject.class::cast)
        .filter(file -> "failed".equals(file.getString("status"))).findFirst().orElseThrow().getString("id");

    browser.go(origin + "/en/admin/orders/" + sessionId);
    browser.awaitScript(AWAIT_SELECTOR, "#files tr[data-id='" + fileId + "'][data-status=failed]");
    browser.awaitScript(AWAIT_SELECTOR, "#live[data-state=open]");
    browser.type("#reason", "the provider had an outage");
    browser.click("button.retry[data-file='" + fileId + "']");
    browser.awaitScript(AWAIT_SELECTOR, "#files tr[data-id='" + fileId + "'][data-status=completed]");
    browser.awaitScript(AWAIT_SELECTOR, "body[data-status=completed]");
    Object audit = browser.run("return document.getElementById('audit').textContent;");
    assertTrue(audit.toString().contains("retry " + fileId) && audit.toString().contains("the provider had an outage"),
        audit.toString());
    browser.screenshot(Path.of("target", "screenshots", "admin-order-retried.png"));
  }
}
