package genpay.browser;

import genpay.TestEngine;
import genpay.generation.ProviderSandbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole purchase as a person makes it, in headless Chromium: form, sandbox checkout, the order live. */
class PurchaseInBrowserTest {

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "4", "FOLLOW_FIRST_DELAY_MS", "300",
        "FOLLOW_MAX_DELAY_MS", "600"));
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

  /** Records every progress value each file's bar shows, from the moment it is installed. */
  private static final String RECORD_PROGRESS = """
      window.__progress = {};
      const record = () => document.querySelectorAll('.file').forEach(item => {
        const values = window.__progress[item.id] = window.__progress[item.id] || [];
        const value = item.querySelector('progress').value;
        if (values[values.length - 1] !== value) { values.push(value); }
      });
      new MutationObserver(record).observe(document.body, {subtree: true, childList: true, attributes: true,
        characterData: true});
      record();
      """;

  private static final String AWAIT_TEXT = """
      const done = arguments[arguments.length - 1];
      const [selector, fragment] = arguments;
      const check = () => {
        const node = document.querySelector(selector);
        if (node && !node.hidden && node.textContent.includes(fragment)) { done(node.textContent); return true; }
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        attributes: true, characterData: true}); }
      """;

  private static void order(String prompt, int videos) {
    browser.go(origin + "/en/tool/veo3-video");
    // The tool page keeps the last order's prompt for another try: start from an empty one.
    browser.run("document.getElementById('prompt').value = '';");
    browser.type("#prompt", prompt);
    browser.run("const q = document.getElementById('quantity'); q.value = arguments[0];"
        + "q.dispatchEvent(new Event('change'));", String.valueOf(videos));
    browser.click("#submit");
  }

  @Test
  void aPersonBuysTwoVideosAndWatchesThemBeingMade() throws Exception {
    browser.requests();
    order("A paper boat sailing down a rainy street at dusk", 2);
    browser.click("#pay");
    browser.find("#files .file");
    browser.run(RECORD_PROGRESS);
    JsonArray states = (JsonArray) browser.awaitScript(Browser.AWAIT_VIDEOS, 2);
    assertEquals(2, states.size());
    states.forEach(state -> assertTrue(((Number) state).intValue() >= 2, "a playable <video>: " + states));
    browser.screenshot(Path.of("target", "screenshots", "purchase-complete.png"));

    JsonObject progress = (JsonObject) browser.run("return window.__progress;");
    assertEquals(2, progress.size());
    for (String file : progress.fieldNames()) {
      List<Number> values = progress.getJsonArray(file).stream().map(v -> (Number) v).toList();
      assertEquals(100, values.get(values.size() - 1).intValue());
      assertTrue(values.stream().anyMatch(v -> v.intValue() > 0 && v.intValue() < 100),
          "the bar rose through intermediate values: " + values);
      for (int i = 1; i < values.size(); i++) {
        assertTrue(values.get(i).doubleValue() >= values.get(i - 1).doubleValue(), "never backwards: " + values);
      }
    }
    String sessionId = browser.url().substring(browser.url().lastIndexOf('/') + 1);
    // data: URLs are Chromium's own video control icons, not network requests.
    List<String> all = browser.requests().stream().filter(url -> !url.startsWith("data:")).toList();
    List<String> api = all.stream().filter(url -> url.startsWith(origin + "/api/")).toList();
    String store = genpay.settings().storage().endpoint();
    long media = all.stream().filter(url -> url.startsWith(origin + "/media/") || url.startsWith(store + "/")).count();
    assertTrue(all.stream().noneMatch(url -> url.contains("/sandbox/provider/media/")),
        "the page never reaches the provider's own links: " + all);
    long assets = all.stream().filter(url -> url.contains("/assets/")).count();
    System.out.printf("browser requests for one order of 2 videos: %d in all = %d API, %d page assets, %d media"
        + " (clips and posters), %d pages (tool, checkout, its form post, success)%n", all.size(), api.size(), assets, media,
        all.size() - api.size() - assets - media);
    assertEquals(List.of(origin + "/api/create-checkout", origin + "/api/events/session/" + sessionId), api,
        "the purchase takes two API requests and no status request is ever repeated");
  }

  private static final String SEEK_AND_PLAY = """
      const done = arguments[arguments.length - 1];
      const video = document.querySelector('video');
      const target = video.duration / 2;
      video.muted = true;
      video.addEventListener('seeked', () => {
        const seekedAt = video.currentTime;
        video.play().then(() => {
          const tick = () => {
            if (video.currentTime > seekedAt + 0.2) {
              done({src: video.src, duration: video.duration, target: target, seekedAt: seekedAt,
                playedTo: video.currentTime, error: video.error ? video.error.code : null});
            } else {
              video.addEventListener('timeupdate', tick, {once: true});
            }
          };
          tick();
        }, failure => done({error: String(failure)}));
      }, {once: true});
      video.currentTime = target;
      """;

  @Test
  void theVideoPlaysFromTheEnginesOwnLinkThroughTheStoreAndSeeks() {
    browser.requests();
    order("A kite over a grey sea", 1);
    browser.click("#pay");
    browser.find("#files .file");
    browser.awaitScript(Browser.AWAIT_VIDEOS, 1);
    JsonObject played = (JsonObject) browser.awaitScript(SEEK_AND_PLAY);
    assertEquals(null, played.getValue("error"), played.encode());
    assertTrue(played.getString("src").startsWith(origin + "/media/"), "the engine's own link: " + played.encode());
    double target = played.getDouble("target");
    assertTrue(target > 1, "a clip of a few seconds: " + played.encode());
    assertEquals(target, played.getDouble("seekedAt"), 0.5, "the seek landed where it was asked: " + played.encode());
    assertTrue(played.getDouble("playedTo") > played.getDouble("seekedAt"), "and it plays on from there");
    String store = genpay.settings().storage().endpoint();
    List<JsonObject> fromStore = browser.networkResponses().stream()
        .filter(response -> response.getString("url").startsWith(store + "/")).toList();
    assertTrue(fromStore.stream().anyMatch(response -> response.getInteger("status") == 206),
        "the store answered the video's range requests after the redirect: "
            + fromStore.stream().map(response -> response.getInteger("status") + " " + response.getString("url")).toList());
  }

  @Test
  void aDeclinedPaymentSaysSoOnTheToolPage() {
    order("A lighthouse in a storm", 1);
    browser.click("#decline");
    browser.find("#notice"); // back on the tool page: the checkout page has no such element
    Object notice = browser.awaitScript(AWAIT_TEXT, "#notice", "declined");
    assertTrue(notice.toString().contains("nothing was charged"), notice.toString());
    assertEquals("A lighthouse in a storm", browser.run("return document.getElementById('prompt').value;"),
        "the prompt is kept for another try");
  }

  @Test
  void aFailedGenerationSaysWhatHappened() throws Exception {
    order("A parade " + ProviderSandbox.REJECT_MARKER, 1);
    browser.click("#pay");
    browser.find("#files"); // on the success page
    Object problem = browser.awaitScript(AWAIT_TEXT, "#problem", "could not be generated");
    assertTrue(problem.toString().contains("support"), problem.toString());
    Object fileError = browser.awaitScript(AWAIT_TEXT, ".file .error", "content policy");
    assertTrue(fileError.toString().contains("HTTP 400"), fileError.toString());
    browser.screenshot(Path.of("target", "screenshots", "generation-failed.png"));
  }

  @Test
  void aVideoThatCouldNotBeMadeSaysItWasRefunded() throws Exception {
    order("Two kites over a beach [sandbox:fail:2]", 2);
    browser.click("#pay");
    browser.find("#files"); // on the success page
    Object line = browser.awaitScript(AWAIT_TEXT, ".file .refund", "was refunded to your card");
    assertTrue(line.toString().matches("Video [12] could not be made; \\$5\\.00 was refunded to your card\\."),
        line.toString());
    browser.awaitScript(AWAIT_TEXT, ".file[data-status=completed] .state", "Ready");
    assertEquals(1, ((Number) browser.run("return document.querySelectorAll('.file .refund:not([hidden])').length;"))
        .intValue(), "one of the two videos failed, one line says so");
    browser.screenshot(Path.of("target", "screenshots", "refunded.png"));
  }
}
