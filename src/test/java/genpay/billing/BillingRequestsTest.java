package genpay.billing;

import genpay.credits.CreditsConfig;
import genpay.web.InvalidInput;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BillingRequestsTest {

  private static final CreditsConfig CONFIG = CreditsConfig.defaults();
  private static final String APP = "http://127.0.0.1:8080";

  static Buffer body(String json) {
    return Buffer.buffer(json);
  }

  @Test
  void checkoutTakesAPaidPlanAndAnInterval() {
    assertEquals(new BillingRequests.Checkout("pro", "monthly", "en"), BillingRequests.checkout(body("{\"plan\":\"pro\"}"), CONFIG));
    assertEquals(new BillingRequests.Checkout("enterprise", "yearly", "de"), BillingRequests.checkout(
        body("{\"plan\":\"enterprise\",\"interval\":\"yearly\",\"locale\":\"de\"}"), CONFIG));
    assertEquals("plan", assertThrows(InvalidInput.class, () -> BillingRequests.checkout(body("{\"plan\":\"free\"}"),
        CONFIG)).field());
    assertEquals("interval", assertThrows(InvalidInput.class, () -> BillingRequests.checkout(
        body("{\"plan\":\"pro\",\"interval\":\"weekly\"}"), CONFIG)).field());
    assertThrows(InvalidInput.class, () -> BillingRequests.checkout(body("[]"), CONFIG));
  }

  @Test
  void cancelAndChangePlanNeedASubscriptionId() {
    assertEquals(new BillingRequests.Cancel("sub_1", true), BillingRequests.cancel(body("{\"subscription_id\":\"sub_1\"}")));
    assertFalse(BillingRequests.cancel(body("{\"subscription_id\":\"sub_1\",\"at_period_end\":false}")).atPeriodEnd());
    assertEquals("at_period_end", assertThrows(InvalidInput.class, () -> BillingRequests.cancel(
        body("{\"subscription_id\":\"sub_1\",\"at_period_end\":\"no\"}"))).field());
    assertEquals("subscription_id", assertThrows(InvalidInput.class, () -> BillingRequests.cancel(
        body("{\"subscription_id\":\"cus_1\"}"))).field());
    assertEquals(new BillingRequests.ChangePlan("sub_1", "enterprise", null),
        BillingRequests.changePlan(body("{\"subscription_id\":\"sub_1\",\"new_plan\":\"enterprise\"}"), CONFIG));
    assertEquals("new_plan", assertThrows(InvalidInput.class, () -> BillingRequests.changePlan(
        body("{\"subscription_id\":\"sub_1\",\"new_plan\":\"gold\"}"), CONFIG)).field());
  }

  @Test
  void thePortalReturnsOnlyToThisSite() {
    assertEquals(APP + "/en/account", BillingRequests.portalReturnUrl(Buffer.buffer(), APP));
    assertEquals(APP + "/de/account?x=1", BillingRequests.portalReturnUrl(body("{\"return_url\":\"/de/account?x=1\"}"), APP));
    assertEquals(APP + "/en/plans", BillingRequests.portalReturnUrl(body("{\"return_url\":\"" + APP + "/en/plans\"}"), APP));
    for (String bad : new String[] {"//evil.example/x", "https://evil.example/en/account", "http://127.0.0.1:9999/x",
        "javascript:alert(1)", "/\\\\evil.example", ""}) {
      assertEquals("return_url", assertThrows(InvalidInput.class, () -> BillingRequests.portalReturnUrl(
          body(new io.vertx.core.json.JsonObject().put("return_url", bad).encode()), APP)).field(), bad);
    }
  }
}
