package genpay.browser;

import genpay.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A person's whole way in headless Chromium: asks for a sign-in link, opens it from the sandbox mailbox, buys
 * the "basic" package on the sandbox pay page, and watches the balance rise to 10 + 105 on the dashboard without
 * a reload. Webhooks are off, so the grant arrives only after the dashboard is open (its one ask for the purchase).
 */
class CreditsJourneyInBrowserTest {

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  /** Resolves once the element is shown and its text, trimmed, equals the wanted text. */
  static final String AWAIT_EXACT = """
      const done = arguments[arguments.length - 1];
      const [selector, text] = arguments;
      const check = () => {
        const node = document.querySelector(selector);
        if (node && !node.hidden && node.textContent.trim() === text) { done(node.textContent.trim()); return true; }
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false"));
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
  void signInBuyBasicAndWatchTheBalanceRiseLive() throws Exception {
    String email = "journey" + System.nanoTime() + "@example.test";
    browser.go(origin + "/en/account");
    browser.find("#signin");
    browser.type("#email", email);
    browser.click("#signin button[type=submit]");
    browser.awaitScript(AWAIT_EXACT, "#sent", "Check your inbox: the link works once, for 15 minutes.");

    browser.go(origin + "/sandbox/mail");
    browser.click("a[href*='/auth/verify?token=']");
    browser.awaitScript(AWAIT_EXACT, "#acct-email", email);
    assertEquals("free", browser.awaitScript(AWAIT_EXACT, "#acct-plan", "free"));

    browser.go(origin + "/en/credits/buy");
    browser.awaitScript(AWAIT_EXACT, "#packages .card:nth-child(2) h2", "basic");
    browser.click("#packages .card:nth-child(2) button");
    browser.find("#pay"); // the sandbox's hosted checkout page
    assertTrue(browser.url().contains("/sandbox/stripe/pay/cs_test_"), browser.url());
    browser.click("#pay");

    browser.find("#dashboard");
    assertTrue(browser.url().contains("/en/credits?checkout=cs_test_"), browser.url());
    browser.run("window.__sameDocument = 'yes';");
    assertEquals("115", browser.awaitScript(AWAIT_EXACT, "#balance", "115"), "10 free + 100 + 5 bonus");
    assertEquals("yes", browser.run("return window.__sameDocument;"), "the balance rose without a reload");
    browser.screenshot(Path.of("target", "screenshots", "credits-journey.png"));

    // An image paid with credits, ordered by the signed-in page itself: the balance falls live, the history shows it.
    Object ordered = browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch('/api/generations', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({type: 'image', prompt: 'a red kite over the dunes', quantity: 1})})
          .then(r => done(r.status));
        """);
    assertEquals(201, ((Number) ordered).intValue());
    assertEquals("114", browser.awaitScript(AWAIT_EXACT, "#balance", "114"), "one image costs 1.00");
    assertEquals("yes", browser.run("return window.__sameDocument;"));

    browser.go(origin + "/en/credits/history");
    browser.awaitScript(AWAIT_EXACT, "#entries tr:first-child td:nth-child(2)", "Usage");
    assertTrue(browser.run("return document.querySelector('#entries tr:first-child').textContent;").toString()
        .contains("-1"), "the spend, newest first");
    assertEquals(4, ((Number) browser.run("return document.querySelectorAll('#entries tr').length;")).intValue(),
        "free grant, purchase, bonus, usage");
    browser.screenshot(Path.of("target", "screenshots", "credits-history.png"));
  }
}
