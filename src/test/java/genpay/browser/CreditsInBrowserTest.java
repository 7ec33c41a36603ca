package genpay.browser;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The credits dashboard in headless Chromium: the balance shows, and rises live when credits are granted. */
class CreditsInBrowserTest {

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  private static final String AWAIT_TEXT = """
      const done = arguments[arguments.length - 1];
      const [selector, text] = arguments;
      const check = () => {
        const node = document.querySelector(selector);
        if (node && node.textContent.trim() === text) { done(node.textContent); return true; }
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of());
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

  @Test
  void balanceRisesLiveWithoutReload() throws Exception {
    browser.go(origin + "/auth/verify?token=" + SignIns.linkToken(genpay));
    browser.go(origin + "/en/credits");
    browser.find("#dashboard");
    assertEquals("10", browser.awaitScript(AWAIT_TEXT, "#balance", "10").toString().trim());
    browser.awaitScript(AWAIT_TEXT, "#live", "live");
    browser.find("#chart .uplot");
    browser.run("window.__sameDocument = 'yes';");

    String account = accountOfBrowser();
    JsonObject granted = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", account).put("type", "purchase").put("amount", 50)
            .put("sourceId", "cs_test_browser" + System.nanoTime()).put("description", "browser test"))).body();
    assertEquals("applied", granted.getString("status"), granted.encode());

    assertEquals("60", browser.awaitScript(AWAIT_TEXT, "#balance", "60").toString().trim());
    assertEquals("yes", browser.run("return window.__sameDocument;"), "the page was not reloaded");
    browser.screenshot(Path.of("target", "screenshots", "credits-live.png"));
    List<String> foreign = browser.requests().stream()
        .filter(url -> url.startsWith("http") && !url.startsWith(origin)).toList();
    assertTrue(foreign.isEmpty(), "every request stays on the engine: " + foreign);
  }

  @Test
  void accountPlansAndBuyPagesRenderTheirData() throws Exception {
    browser.go(origin + "/auth/verify?token=" + SignIns.linkToken(genpay));
    browser.go(origin + "/en/account");
    browser.awaitScript(AWAIT_TEXT, "#acct-plan", "free");
    assertEquals(Boolean.FALSE, browser.run("return document.getElementById('keys-locked').hidden;"),
        "the free plan is told API keys need another plan");
    assertTrue(browser.run("return document.getElementById('acct-email').textContent;").toString()
        .endsWith("@example.test"));

    browser.go(origin + "/en/plans");
    browser.awaitScript(AWAIT_TEXT, "#plan-cards .card:nth-child(2) .price", "$29.00 / month");
    browser.click("input[value=yearly]");
    browser.awaitScript(AWAIT_TEXT, "#plan-cards .card:nth-child(2) .price", "$290.00 / year");
    assertEquals(11, ((Number) browser.run("return document.querySelectorAll('#compare tbody tr').length;")).intValue());

    browser.go(origin + "/en/credits/buy");
    browser.awaitScript(AWAIT_TEXT, "#packages .card:nth-child(2) .price", "$9.00");
    assertEquals(6, ((Number) browser.run("return document.querySelectorAll('#packages .card').length;")).intValue());
    browser.screenshot(Path.of("target", "screenshots", "credits-buy.png"));
  }

  /** The browser's account id, asked by the page itself (the cookie is HttpOnly). */
  private static String accountOfBrowser() {
    Object id = browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch('/api/account', {credentials: 'same-origin'}).then(r => r.json()).then(a => done(a.id));
        """);
    return id.toString();
  }
}
