package genpay.browser;

import genpay.TestEngine;
import genpay.config.Addresses;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A generation request as a person makes it, in headless Chromium: the site page shows the providers with their
 * prices, gemini is paid on the sandbox's page, the request page follows it live and offers the llms.txt. The
 * site is a few pages on loopback, listed by a stand-in for the calculation (120-page sites are genpay.sites').
 */
class GenerationRequestInBrowserTest {

  private static final int PAGES = 5;
  private static TestEngine genpay;
  private static Browser browser;
  private static HttpServer site;
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
    genpay = TestEngine.start();
    origin = genpay.settings().appUrl();
    int port = TestEngine.freePort();
    site = genpay.engine.vertx().createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "text/html").end("<html><head><title>Page " + request.path()
            + "</title></head><body><p>All about " + request.path() + ".</p></body></html>"));
    await(site.listen(port, "127.0.0.1"));
    await(genpay.engine.vertx().eventBus().<JsonObject>localConsumer(Addresses.SITES_CALCULATE, message -> {
      String hostname = message.body().getString("hostname");
      Request urls = Request.cmd(Command.RPUSH).arg("calculation:" + hostname + ":urls");
      for (int i = 1; i <= PAGES; i++) {
        urls.arg("http://127.0.0.1:" + port + "/page-" + i);
      }
      genpay.redis.send(Request.cmd(Command.DEL).arg("calculation:" + hostname + ":urls"))
          .compose(deleted -> genpay.redis.send(urls))
          .onSuccess(stored -> message.reply(new JsonObject().put("hostname", hostname).put("urlCount", PAGES)
              .put("prices", new JsonObject()
                  .put("gemini", new JsonObject().put("total", 0.5).put("perUrl", 0.00097).put("currency", "eur")
                      .put("paid", true))
                  .put("ollama", new JsonObject().put("total", 0).put("perUrl", 0).put("currency", "eur")
                      .put("paid", false)))));
    }).completion());
    browser = Browser.launch(genpay.engine.vertx());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    await(site.close());
    genpay.close();
  }

  @Test
  void aPersonPaysForAnLlmsTxtWatchesItBeingMadeAndDownloadsIt() throws Exception {
    browser.requests();
    browser.go(origin + "/en/site");
    browser.type("#hostname", "browser.example");
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
    browser.screenshot(Path.of("target", "screenshots", "generation-request-complete.png"));

    String document = (String) browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch(document.getElementById('download').href).then(r => r.text()).then(done);
        """);
    List<String> lines = document.lines().toList();
    assertEquals(2 + PAGES, lines.size(), document);
    assertTrue(lines.get(2).startsWith("- [Page /page-1](http://127.0.0.1:"), document);

    List<String> api = browser.requests().stream().filter(url -> url.startsWith(origin + "/api/")).toList();
    assertEquals(List.of(origin + "/api/sites/browser.example", origin + "/api/generation-requests",
            origin + "/api/events/generation-request/" + requestId,
            origin + "/api/generation-requests/" + requestId + "/result"), api,
        "no status request: the request page follows one stream");
    System.out.println("request page states: " + browser.run("return window.__states;"));
  }
}
