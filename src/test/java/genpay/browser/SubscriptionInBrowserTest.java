package genpay.browser;

import genpay.TestEngine;
import genpay.stripe.StripeSandbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subscribing in headless Chromium: from the plans page (signed out first, so through the sign-in and back),
 * Stripe's hosted page of the sandbox paid with a test card, back on the account page with the plan and its
 * credits; and a declined card, whose reason the pay page shows.
 */
class SubscriptionInBrowserTest {

  private static final Pattern LINK = Pattern.compile("/auth/verify\\?token=[A-Za-z0-9_-]{43}");

  private static TestEngine genpay;
  private static Browser browser;
  private static String origin;

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
  void subscribeToProFromThePlansPageAndSeeThePlanAndItsCredits() throws Exception {
    String email = "subscriber" + System.nanoTime() + "@example.test";
    browser.go(origin + "/en/plans");
    signOut();
    browser.click("#subscribe-pro");

    // Signed out: the sign-in first, which brings the person back to the plans.
    browser.find("#signin");
    assertTrue(URLDecoder.decode(browser.url(), StandardCharsets.UTF_8).contains("/en/account?next=/en/plans"),
        browser.url());
    assertEquals(Boolean.FALSE, browser.run("return document.getElementById('signin-next').hidden;"));
    browser.type("#email", email);
    browser.click("#signin button[type=submit]");
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#sent",
        "Check your inbox: the link works once, for 15 minutes.");
    browser.go(origin + linkMailedTo(email));

    browser.find("#subscribe-pro");
    assertTrue(browser.url().startsWith(origin + "/en/plans"), browser.url());
    browser.screenshot(Path.of("target", "screenshots", "subscription-plans.png"));
    browser.click("#subscribe-pro");

    browser.find("#card"); // the sandbox's hosted checkout page
    assertTrue(browser.url().contains("/sandbox/stripe/pay/cs_test_"), browser.url());
    typeCard("4242424242424242");
    browser.screenshot(Path.of("target", "screenshots", "subscription-pay.png"));
    browser.click("#pay");

    browser.find("#billing");
    assertTrue(browser.url().contains("/en/account?subscribed=cs_test_"), browser.url());
    browser.run("window.__sameDocument = 'yes';");
    assertEquals("Pro", browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#plan-name", "Pro"));
    assertEquals("510", browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#acct-balance", "510"),
        "the free plan's 10 and the 500 of the first paid invoice");
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#plan-status", "Active");
    assertTrue(browser.run("return document.getElementById('renews-at').textContent;").toString()
        .startsWith("Renews on "));
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#invoices tbody tr:first-child td:nth-child(5)",
        "paid");
    assertTrue(browser.run("return document.querySelector('#invoices tbody tr:first-child').textContent;")
        .toString().contains("$29.00"));
    assertEquals("yes", browser.run("return window.__sameDocument;"), "shown without a reload");
    assertEquals(Boolean.TRUE, browser.run("return document.getElementById('keys-locked').hidden;"),
        "Pro brings API keys");
    browser.screenshot(Path.of("target", "screenshots", "subscription-account.png"));

    // Subscribed already: the plans page marks the plan and sends a change to the account page.
    browser.go(origin + "/en/plans");
    browser.find("#subscribe-enterprise");
    assertEquals(0, ((Number) browser.run("return document.querySelectorAll('#subscribe-pro').length;")).intValue(),
        "Pro is this plan");
    browser.click("#subscribe-enterprise");
    browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        const check = () => {
          if (!document.getElementById('already-subscribed').hidden) { done(true); return true; }
          return false;
        };
        if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, attributes: true}); }
        """);
    assertTrue(browser.url().startsWith(origin + "/en/plans"), "no Checkout: " + browser.url());
    assertEquals(origin + "/en/account#billing",
        browser.run("return document.querySelector('#already-subscribed a').href;"));
    browser.screenshot(Path.of("target", "screenshots", "subscription-already.png"));
    browser.go(origin + "/en/account");
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#plan-status", "Active");
    browser.run("window.__sameDocument = 'yes';");

    // Cancel at period end, after the page's own confirm: stays Pro, and says when it ends.
    browser.click("#cancel-subscription");
    assertTrue(browser.run("return document.getElementById('cancel-question').textContent;").toString()
        .startsWith("Cancel Pro? It stays active until "));
    browser.click("#cancel-confirm-yes");
    Object ends = browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        const check = () => {
          const text = document.getElementById('renews-at').textContent;
          if (text.startsWith('Ends on ')) { done(text); return true; }
          return false;
        };
        if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
          characterData: true}); }
        """);
    assertTrue(ends.toString().contains("the free plan follows"), ends.toString());
    assertEquals("Pro", browser.run("return document.getElementById('plan-name').textContent;"));
    assertEquals(Boolean.TRUE, browser.run("return document.getElementById('cancel-subscription').hidden;"));
    browser.screenshot(Path.of("target", "screenshots", "subscription-cancelling.png"));

    // Undone elsewhere (as in Stripe's portal): the webhook's sync reaches the open page through the account stream.
    String subscriptionId = browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch('/api/payment/subscription', {credentials: 'same-origin'}).then(r => r.json())
          .then(a => done(a.subscription.id));
        """).toString();
    var renewed = await(genpay.http.post(StripeSandbox.API_PREFIX + "/v1/subscriptions/" + subscriptionId)
        .putHeader("Authorization", "Bearer " + genpay.settings().effectiveStripeKey())
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("cancel_at_period_end=false")));
    assertEquals(200, renewed.statusCode(), renewed.bodyAsString());
    Object renews = browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        const check = () => {
          const text = document.getElementById('renews-at').textContent;
          if (text.startsWith('Renews on ')) { done(text); return true; }
          return false;
        };
        if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
          characterData: true}); }
        """);
    assertTrue(renews.toString().startsWith("Renews on "));
    assertEquals(Boolean.FALSE, browser.run("return document.getElementById('cancel-subscription').hidden;"));
    assertEquals("yes", browser.run("return window.__sameDocument;"), "the page was not reloaded");

    // Stripe's billing portal, and back.
    browser.click("#billing-portal");
    browser.find("#return");
    assertTrue(browser.url().contains("/sandbox/stripe/portal/bps_"), browser.url());
    browser.screenshot(Path.of("target", "screenshots", "subscription-portal.png"));
    browser.click("#return");
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#plan-name", "Pro");
    assertTrue(browser.url().startsWith(origin + "/en/account"), browser.url());
  }

  @Test
  void aDeclinedCardShowsWhyOnThePayPageAndSubscribesNothing() throws Exception {
    String email = "declined" + System.nanoTime() + "@example.test";
    browser.go(origin + genpay.signInPath(email, "127.0.0.1"));
    browser.go(origin + "/en/plans");
    browser.click("#subscribe-pro");
    browser.find("#card");
    String payPage = browser.url();
    typeCard("4000000000000002");
    browser.click("#pay");
    // #error exists only on the page the decline answers with: waiting for it waits out the navigation, which
    // would otherwise end a script started on the page being left.
    browser.find("#error");
    assertEquals("Your card was declined.",
        browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#error", "Your card was declined."));
    assertTrue(browser.url().startsWith(payPage), "still on the same pay page: " + browser.url());
    browser.screenshot(Path.of("target", "screenshots", "subscription-declined.png"));

    browser.go(origin + "/en/account");
    browser.awaitScript(CreditsJourneyInBrowserTest.AWAIT_EXACT, "#plan-name", "Free");
    assertFalse(browser.run("return document.getElementById('plan-status').textContent;").toString().isEmpty());
    assertEquals("10", browser.run("return document.getElementById('acct-balance').textContent;"));
  }

  /** Ends the browser's session, if another test left one. */
  private static void signOut() {
    browser.awaitScript("""
        const done = arguments[arguments.length - 1];
        fetch('/api/auth/logout', {method: 'POST', credentials: 'same-origin'}).then(r => done(r.status));
        """);
  }

  /** Replaces the pay page's prefilled card number with {@code number}, typed as a person would. */
  private static void typeCard(String number) {
    browser.run("document.getElementById('card').value = '';");
    browser.type("#card", number);
  }

  /** The sign-in link the sandbox mailbox holds for {@code email}. */
  private static String linkMailedTo(String email) {
    JsonArray messages = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      Matcher link = LINK.matcher(message.getString("text"));
      if (email.equals(message.getString("to")) && link.find()) {
        return link.group();
      }
    }
    throw new AssertionError("no sign-in mail to " + email);
  }
}
