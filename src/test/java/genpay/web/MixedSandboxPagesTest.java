package genpay.web;

import genpay.CapturedLog;
import genpay.TestEngine;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With ALLOW_MIXED_SANDBOX=true, /api/config and every page say which half is the sandbox. */
class MixedSandboxPagesTest {

  private static final List<String> PAGES = List.of("/", "/en/tool/veo3", "/en/session",
      "/en/session/cs_test_a1B2c3D4e5F6", "/en/payment-success/cs_test_a1B2c3D4e5F6",
      "/en/file/8a3c3f0e-9d7b-4a51-8e3e-111111111111");

  @Test
  void aRealProviderBehindTheStripeSandboxSaysPaymentsAreTheSandbox() throws Exception {
    // Nothing listens there and nothing is ordered: the provider is never called.
    String nowhere = "http://127.0.0.1:" + TestEngine.freePort();
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_API_URL", nowhere,
        "GENERATION_API_TOKEN", "token", "ALLOW_MIXED_SANDBOX", "true"))) {
      JsonObject config = await(genpay.http.get("/api/config").send()).bodyAsJsonObject();
      assertTrue(config.getBoolean("sandbox"), "a sandbox is in use");
      assertEquals(new JsonObject().put("stripe", true).put("provider", false), config.getJsonObject("sandboxes"));
      for (String page : PAGES) {
        String banner = banner(genpay, page);
        assertTrue(banner.contains("payments go to a built-in Stripe sandbox, no money moves"), page + ": " + banner);
        assertTrue(banner.contains("Videos are generated for real"), page + ": " + banner);
        assertFalse(banner.contains("provider sandbox"), page + ": " + banner);
      }
    }
    assertTrue(CapturedLog.lines().stream().anyMatch(line -> line.contains("ALLOW_MIXED_SANDBOX=true")
        && line.contains("only Stripe is a sandbox")), "start-up warns which half is the sandbox");
  }

  @Test
  void realStripeBeforeTheProviderSandboxSaysVideosAreTheSandbox() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("STRIPE_SECRET_KEY", "sk_test_mixedpages",
        "STRIPE_WEBHOOK_SECRET", "whsec_mixedpages", "STRIPE_PRICE_ID", "price_mixedpages",
        "ALLOW_MIXED_SANDBOX", "true"))) {
      JsonObject config = await(genpay.http.get("/api/config").send()).bodyAsJsonObject();
      assertTrue(config.getBoolean("sandbox"), "a sandbox is in use");
      assertEquals(new JsonObject().put("stripe", false).put("provider", true), config.getJsonObject("sandboxes"));
      for (String page : PAGES) {
        String banner = banner(genpay, page);
        assertTrue(banner.contains("videos come from a built-in provider sandbox"), page + ": " + banner);
        assertTrue(banner.contains("not made from your prompt"), page + ": " + banner);
        assertTrue(banner.contains("Payments go to Stripe in test mode"), page + ": " + banner);
        assertFalse(banner.contains("Stripe sandbox"), page + ": " + banner);
      }
    }
    assertTrue(CapturedLog.lines().stream().anyMatch(line -> line.contains("ALLOW_MIXED_SANDBOX=true")
        && line.contains("only the provider is a sandbox")), "start-up warns which half is the sandbox");
  }

  @Test
  void theBannerNamesTheSandboxesAndIsAbsentWhenBothAreReal() {
    Map<String, String> liveStripe = Map.of("STRIPE_SECRET_KEY", "sk_live_mixedpages",
        "STRIPE_WEBHOOK_SECRET", "whsec_a", "STRIPE_PRICE_ID", "price_a");
    Map<String, String> realProvider = Map.of("GENERATION_API_URL", "http://127.0.0.1:9", "GENERATION_API_TOKEN", "t");
    Map<String, String> bothReal = new java.util.HashMap<>(liveStripe);
    bothReal.putAll(realProvider);
    bothReal.put("MAIL_URL", "smtp://127.0.0.1:9");
    bothReal.put("GEMINI_API_KEY", "gemini-key");
    Map<String, String> liveBeforeProviderSandbox = new java.util.HashMap<>(liveStripe);
    liveBeforeProviderSandbox.put("ALLOW_MIXED_SANDBOX", "true");

    assertTrue(Pages.banner(Settings.from(new JsonObject(), Map.of())).contains("Sandbox mode: payments go to a "
        + "built-in Stripe sandbox and videos come from a built-in provider sandbox. No money moves."));
    assertEquals("", Pages.banner(Settings.from(new JsonObject(), bothReal)));
    String live = Pages.banner(Settings.from(new JsonObject(), liveBeforeProviderSandbox));
    assertTrue(live.contains("videos come from a built-in provider sandbox") && live.contains("Payments are real."), live);
  }

  /** The page's banner paragraph, as served. */
  private static String banner(TestEngine genpay, String path) {
    var response = await(genpay.http.get(path).send());
    assertEquals(200, response.statusCode(), path);
    String html = response.bodyAsString();
    int start = html.indexOf("<p class=\"banner\"");
    assertTrue(start >= 0, path + " has a banner");
    return html.substring(start, html.indexOf("</p>", start));
  }
}
