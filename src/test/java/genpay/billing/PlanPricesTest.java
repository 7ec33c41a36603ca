package genpay.billing;

import genpay.credits.CreditsConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PlanPricesTest {

  @Test
  void sandboxPricesStandInForEmptyIdsAndConfiguredIdsMapBothWays() {
    PlanPrices sandbox = new PlanPrices(CreditsConfig.defaults(), true);
    assertEquals("price_sandbox_pro_monthly", sandbox.priceId("pro", "monthly"));
    assertEquals("price_sandbox_enterprise_yearly", sandbox.priceId("enterprise", "yearly"));
    assertEquals(new PlanPrices.PlanInterval("enterprise", "yearly"), sandbox.of("price_sandbox_enterprise_yearly"));
    assertNull(sandbox.priceId("free", "monthly"), "the free plan is not sold");
    assertNull(sandbox.of("price_unknown"));

    JsonObject credits = CreditsConfig.defaultsJson();
    credits.getJsonObject("plans").getJsonObject("pro").put("stripePrices",
        new JsonObject().put("monthly", "price_1ProMonthly").put("yearly", ""));
    PlanPrices live = new PlanPrices(CreditsConfig.from(credits), false);
    assertEquals("price_1ProMonthly", live.priceId("pro", "monthly"));
    assertEquals(new PlanPrices.PlanInterval("pro", "monthly"), live.of("price_1ProMonthly"));
    assertNull(live.priceId("pro", "yearly"), "live Stripe cannot sell an interval without a price id");
    assertNull(live.of("price_sandbox_pro_monthly"));
  }
}
