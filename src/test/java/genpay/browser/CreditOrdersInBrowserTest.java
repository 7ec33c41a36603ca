package genpay.browser;

import genpay.TestKeys;
import genpay.TestEngine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Orders paid with credits, in headless Chromium: each file shown as what it is, and the tool page's button. */
class CreditOrdersInBrowserTest {

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  /** Waits until every file of the page shows its media, loaded: {tag, width or readyState} per file. */
  private static final String AWAIT_MEDIA = """
      const done = arguments[arguments.length - 1];
      const expected = arguments[0];
      const check = () => {
        const media = [...document.querySelectorAll('.media')];
        const loaded = m => m.tagName === 'IMG' ? m.complete && m.naturalWidth > 0 : m.readyState >= 1;
        if (media.length === expected && media.every(loaded)) {
          done(media.map(m => ({tag: m.tagName, width: m.naturalWidth || 0, ready: m.readyState || 0})));
          return true;
        }
        media.forEach(m => ['load', 'loadedmetadata'].forEach(e => m.addEventListener(e, check, {once: true})));
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400", "TRUSTED_PROXIES", "127.0.0.1"));
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

  private static String cookie(String email, String ip) {
    HttpResponse<Buffer> verified = await(genpay.http.get(genpay.signInPath(email, ip)).send());
    assertEquals(303, verified.statusCode());
    String set = verified.cookies().stream().filter(c -> c.startsWith("gp_session=")).findFirst().orElseThrow();
    return set.substring("gp_session=".length(), set.indexOf(';'));
  }

  private static String accountId(String session) {
    return await(genpay.http.get("/api/account").putHeader("Cookie", "gp_session=" + session).send())
        .bodyAsJsonObject().getString("id");
  }

  private static String order(String session, JsonObject body) {
    HttpResponse<Buffer> created = await(genpay.http.post("/api/generations")
        .putHeader("Cookie", "gp_session=" + session).putHeader("Origin", origin).sendJsonObject(body));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("orderId");
  }

  @Test
  void theOrderPageShowsImagesAsPicturesAndAudioAsAPlayer() {
    String session = cookie("pictures" + System.nanoTime() + "@example.test", "10.7.0.1");
    await(genpay.redis.send(Request.cmd(Command.HSET).arg(TestKeys.account(accountId(session))).arg("plan").arg("pro")));
    String images = order(session, new JsonObject().put("type", "image").put("prompt", "a kite").put("quantity", 2));
    browser.go(origin + "/en/payment-success/" + images);
    JsonArray shown = (JsonArray) browser.awaitScript(AWAIT_MEDIA, 2);
    shown.forEach(m -> {
      assertEquals("IMG", ((JsonObject) m).getString("tag"));
      assertEquals(64, ((JsonObject) m).getInteger("width"), "the sandbox's PNG, decoded");
    });

    String audio = order(session, new JsonObject().put("type", "audio").put("prompt", "a cello").put("quantity", 1));
    browser.go(origin + "/en/payment-success/" + audio);
    JsonObject player = ((JsonArray) browser.awaitScript(AWAIT_MEDIA, 1)).getJsonObject(0);
    assertEquals("AUDIO", player.getString("tag"));
    assertTrue(player.getInteger("ready") >= 1, "the WAV's metadata loaded: " + player);
  }

  @Test
  void aSignedInProAccountPaysWithCreditsFromTheToolPage() {
    String email = "toolpage" + System.nanoTime() + "@example.test";
    browser.go(origin + genpay.signInPath(email, "10.7.0.2"));
    String session = cookie(email, "10.7.0.3");
    await(genpay.redis.send(Request.cmd(Command.HSET).arg(TestKeys.account(accountId(session))).arg("plan").arg("pro")));
    browser.go(origin + "/en/tool/veo3-video");
    assertTrue(browser.run("return document.getElementById('pay-credits').textContent;").toString()
        .contains("Pay with 10 credits"));
    browser.run("document.getElementById('prompt').value = '';");
    browser.type("#prompt", "a lighthouse in a storm");
    browser.click("#pay-credits");
    // The order's page, once the tool page has gone to it (a script run before would die with the tool page).
    browser.find("#files .file");
    JsonArray videos = (JsonArray) browser.awaitScript(Browser.AWAIT_VIDEOS, 1);
    assertTrue(((Number) videos.getValue(0)).intValue() >= 2, "a playable <video>");
    assertTrue(browser.url().matches(".*/en/payment-success/ord_[A-Za-z0-9]{24}$"), browser.url());
  }
}
