package genpay.browser;

import genpay.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The success page notifies a buyer whose tab is in the background when the order ends: asked for by a button,
 * shown once, by the Notification API. Chromium is granted the permission over CDP; a script CDP injects before
 * the page's own wraps window.Notification to record each notification made (the page's code runs unchanged).
 */
class OrderNotificationInBrowserTest {

  private static final String LOG = "test.notifications";

  /** Records every notification (in localStorage too, so another tab can await it) and permission request. */
  private static final String RECORDER = """
      (() => {
        const Real = window.Notification;
        if (!Real) { return; }
        window.__notifications = [];
        window.__permissionRequests = 0;
        window.__focused = 0;
        class Recorded extends Real {
          constructor(title, options) {
            const entry = { title, body: options && options.body, tag: options && options.tag, hidden: document.hidden,
              visibility: document.visibilityState, page: location.pathname };
            const all = JSON.parse(localStorage.getItem('%1$s') || '[]');
            all.push(entry);
            localStorage.setItem('%1$s', JSON.stringify(all));
            super(title, options);
            window.__notifications.push(this);
          }
        }
        Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
        Recorded.requestPermission = function () {
          window.__permissionRequests++;
          return Real.requestPermission.apply(Real, arguments);
        };
        window.Notification = Recorded;
        const focus = window.focus.bind(window);
        window.focus = function () { window.__focused++; return focus(); };
      })();
      """.formatted(LOG);

  /** Resolves with the notifications recorded for {@code arguments[0]} (a page path) once there is one. */
  private static final String AWAIT_NOTIFICATION = """
      const done = arguments[arguments.length - 1];
      const path = arguments[0];
      const check = () => {
        const mine = JSON.parse(localStorage.getItem('%s') || '[]').filter(n => n.page === path);
        if (mine.length) { done(mine); return true; }
        return false;
      };
      if (!check()) { window.addEventListener('storage', check); }
      """.formatted(LOG);

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

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "2", "FOLLOW_FIRST_DELAY_MS", "300",
        "FOLLOW_MAX_DELAY_MS", "600"));
    origin = genpay.settings().appUrl();
    browser = Browser.launch(genpay.engine.vertx());
    browser.cdp("Browser.grantPermissions", new JsonObject().put("origin", origin)
        .put("permissions", new JsonArray(List.of("notifications"))));
    browser.cdp("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", RECORDER));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    genpay.close();
  }

  @BeforeEach
  void front() {
    browser.cdp("Page.bringToFront", new JsonObject());
  }

  /** Opens the success page of a new order, still unpaid, and takes up the offer. */
  private static String orderAndAskToBeNotified(String prompt) {
    String sessionId = genpay.order(1, prompt);
    String path = "/en/payment-success/" + sessionId;
    browser.go(origin + path);
    browser.find("#notify-offer:not([hidden]) #notify");
    assertEquals(0, ((Number) browser.run("return window.__permissionRequests;")).intValue(),
        "no permission asked for without a gesture");
    browser.click("#notify");
    browser.awaitScript(AWAIT_TEXT, "#notify-state", "We will notify you");
    assertEquals(1, ((Number) browser.run("return window.__permissionRequests;")).intValue());
    assertEquals("granted", browser.run("return Notification.permission;"));
    assertTrue((Boolean) browser.run("return document.getElementById('notify-offer').hidden;"), "the offer is taken");
    return sessionId;
  }

  @Test
  void anOrderThatEndsWhileTheTabIsInTheBackgroundNotifiesOnce() {
    String sessionId = orderAndAskToBeNotified("A heron at dawn, waited for in another tab");
    String path = "/en/payment-success/" + sessionId;
    String successTab = browser.window();
    assertEquals("visible", browser.run("return document.visibilityState;"));

    // Another tab in front: the success page is now in the background. The order is paid from there.
    browser.newTab();
    browser.cdp("Page.bringToFront", new JsonObject());
    browser.go(origin + "/en/session");
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());

    JsonArray made = (JsonArray) browser.awaitScript(AWAIT_NOTIFICATION, path);
    assertEquals(1, made.size(), made.encode());
    JsonObject notification = made.getJsonObject(0);
    assertEquals("Your videos are ready", notification.getString("title"), notification.encode());
    assertEquals("genpay-order-" + sessionId, notification.getString("tag"));
    assertTrue(notification.getBoolean("hidden"), "made while the page was hidden: " + notification.encode());

    browser.closeWindow();
    browser.switchTo(successTab);
    browser.cdp("Page.bringToFront", new JsonObject());
    browser.awaitScript(AWAIT_TEXT, "#headline", "Your videos are ready");
    assertEquals(1, ((Number) browser.run("return window.__notifications.length;")).intValue(), "once per order");
    // Clicking it brings the tab forward.
    Number focused = (Number) browser.run("window.__notifications[0].dispatchEvent(new Event('click'));"
        + "return window.__focused;");
    assertEquals(1, focused.intValue(), "the click focuses the tab");
    assertTrue((Boolean) browser.run("return document.getElementById('notify-offer').hidden;"), "no offer once over");

    // Opened again, the ended order notifies no more.
    browser.go(origin + path);
    browser.awaitScript(AWAIT_TEXT, "#headline", "Your videos are ready");
    assertEquals(0, ((Number) browser.run("return window.__notifications.length;")).intValue());
  }

  @Test
  void anOrderThatEndsInFrontOfTheBuyerNeedsNoNotification() {
    String sessionId = orderAndAskToBeNotified("A heron at dawn, watched to the end");
    assertEquals("visible", browser.run("return document.visibilityState;"));
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());
    browser.awaitScript(AWAIT_TEXT, "#headline", "Your videos are ready");
    assertEquals(0, ((Number) browser.run("return window.__notifications.length;")).intValue(),
        "the page itself says it");
  }
}
