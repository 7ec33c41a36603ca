package genpay.browser;

import genpay.TestEngine;
import genpay.sites.TestSite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A generation request as a person makes it, in headless Chromium: the site page shows the providers with their
 * prices, gemini is paid on the sandbox's page, the request page follows it live and offers the llms.txt. The
 * site is a {@link TestSite} of a few pages on loopback (ALLOW_PRIVATE_SITES=true), counted by the real calculation.
 */
class GenerationRequestInBrowserTest {

  private static final int PAGES = 5;
  private static TestEngine genpay;
  private static Browser browser;
  private static TestSite site;
  private static String origin;

  private static final String AWAIT_VISIBLE = """
      const done = arguments[arguments.length - 1];
      const selector = arguments[0];
      const check = () => {
        const node = document.querySelector(selector);
        if (node && !node.hidden) { done(node.textContent); return true; }
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  private static final String RECORD_STATES = """
      window.__states = [];
      const record = () => {
        const text = document.getElementById('state').textContent + ' ' + document.getElementById('pages').textContent;
        if (window.__states[window.__states.length - 1] !== text) { window.__states.push(text); }
      };
      new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
      record();
      """;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("ALLOW_PRIVATE_SITES", "true"));
    origin = genpay.settings().appUrl();
    site = TestSite.start(genpay.engine.vertx(), PAGES);
    browser = Browser.launch(genpay.engine.vertx());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    site.close();
    genpay.close();
  }

  @Test
  void aPersonPaysForAnLlmsTxtWatchesItBeingMadeAndDownloadsIt() throws Exception {
    browser.requests();
    browser.go(origin + "/en/site");
    browser.type("#hostname", site.hostname());
    browser.click("#calculate");
    browser.find("li[data-provider=gemini] button");
    String prices = (String) browser.awaitScript(AWAIT_VISIBLE, "#offer");
    assertTrue(prices.contains("5 pages"), prices);
    assertTrue(prices.contains("€0.50"), prices);
    assertTrue(prices.contains("free"), prices);

    browser.click("li[data-provider=gemini] button");
    browser.find("#pay"); // the sandbox's checkout page
    assertTrue(browser.url().contains("/sandbox/stripe/pay/cs_test_"), browser.url());
    browser.click("#pay");
    browser.find("#progress"); // back on the request page
    browser.run(RECORD_STATES);
    String requestId = browser.url().substring(browser.url().lastIndexOf('/') + 1);
    assertTrue(requestId.startsWith("greq_"), browser.url());

    browser.awaitScript(AWAIT_VISIBLE, "#actions");
    assertEquals("Your llms.txt is ready.", browser.run("return document.getElementById('state').textContent;"));
    assertEquals(PAGES, ((Number) browser.run("return document.getElementById('progress').value;")).intValue());
    assertEquals("none", browser.run("return getComputedStyle(document.getElementById('pay-row')).display;"),
        "a paid, finished request offers no Pay button");
    browser.screenshot(Path.of("target", "screenshots", "generation-request-complete.png"));

    String document = (String) browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch(document.getElementById('download').href).then(r => r.text()).then(done);
        """);
    List<String> lines = document.lines().toList();
    assertEquals(2 + PAGES, lines.size(), document);
    assertEquals("# " + TestSite.TITLE, lines.get(0), document);
    assertTrue(lines.get(2).startsWith("- [Page 1](" + site.url("/page/1") + "): "), document);
    assertEquals(PAGES, site.pageUrls(site.hostname()).stream()
        .filter(url -> document.contains("](" + url + "): ")).count(), document);

    List<String> api = browser.requests().stream().filter(url -> url.startsWith(origin + "/api/")).toList();
    assertEquals(List.of(origin + "/api/sites/" + site.hostname().replace(":", "%3A"), origin + "/api/generation-requests",
            origin + "/api/events/generation-request/" + requestId,
            origin + "/api/generation-requests/" + requestId + "/result"), api,
        "no status request: the request page follows one stream");
    System.out.println("request page states: " + browser.run("return window.__states;"));
  }
}
