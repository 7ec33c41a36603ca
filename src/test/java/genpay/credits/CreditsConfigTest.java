package genpay.credits;

import genpay.config.ConfigException;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Section 14's cost rules, plans and packages, as conf/application.json sets them. */
class CreditsConfigTest {

  private static CreditsConfig shipped() throws Exception {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/application.json")));
    return Settings.from(file, Map.of()).credits();
  }

  @Test
  void costRulesOfSectionFourteen() throws Exception {
    CostTable costs = shipped().costs();
    assertEquals(1000, costs.video(8), "the VEO3 8-s video costs 10.00");
    assertEquals(500, costs.video(5), "5 s is not longer than 5 s");
    assertEquals(1000, costs.video(6));
    assertEquals(100, costs.image("sd"));
    assertEquals(100, costs.image(null));
    assertEquals(150, costs.image("hd"), "HD +50 %");
    assertEquals(200, costs.image("4K"), "4K +100 %");
    assertEquals(50, costs.audio(1));
    assertEquals(50, costs.audio(30));
    assertEquals(100, costs.audio(31), "per started 30 s");
    assertEquals(150, costs.audio(90));
    assertEquals(1, costs.storage(1.0), "0.01 per GB-month");
    assertEquals(3, costs.storage(2.5), "rounds up to a hundredth");
    assertEquals(1000, costs.item("video", null, null), "a video without a duration is the VEO3 8 s");
    assertThrows(IllegalArgumentException.class, () -> costs.image("8k"));
    assertThrows(IllegalArgumentException.class, () -> costs.item("text", null, null));
    assertThrows(IllegalArgumentException.class, () -> costs.video(0));
  }

  @Test
  void plansAndPackagesOfSectionFourteen() throws Exception {
    CreditsConfig credits = shipped();
    assertEquals(credits, CreditsConfig.defaults(), "the shipped file says what the built-in defaults say");
    Plan free = credits.plan("free");
    assertEquals(1000, free.monthlyCredits());
    assertTrue(free.allows("image"));
    assertFalse(free.allows("video"));
    assertFalse(free.apiAccess());
    Plan pro = credits.plan("pro");
    assertEquals(50000, pro.monthlyCredits());
    assertEquals(2900, pro.monthlyPriceCents());
    assertEquals(29000, pro.yearlyPriceCents());
    assertTrue(pro.apiAccess() && pro.priority() && pro.allows("video") && pro.allows("audio"));
    Plan enterprise = credits.plan("enterprise");
    assertEquals(500000, enterprise.monthlyCredits());
    assertEquals(19900, enterprise.monthlyPriceCents());
    assertEquals(199000, enterprise.yearlyPriceCents());
    assertTrue(enterprise.customModels() && enterprise.sla());
    assertEquals("[starter, basic, standard, pro, business, enterprise]", credits.packages().keySet().toString());
    assertEquals(new CreditPackage("starter", 5000, 0, 500), credits.creditPackage("starter"));
    assertEquals(new CreditPackage("basic", 10000, 500, 900), credits.creditPackage("basic"));
    assertEquals(new CreditPackage("standard", 25000, 1500, 2000), credits.creditPackage("standard"));
    assertEquals(new CreditPackage("pro", 50000, 4000, 3500), credits.creditPackage("pro"));
    assertEquals(new CreditPackage("business", 100000, 10000, 6000), credits.creditPackage("business"));
    assertEquals(new CreditPackage("enterprise", 500000, 75000, 25000), credits.creditPackage("enterprise"));
    assertEquals(500, credits.custom().priceCents(50));
    assertEquals(1_000_000, credits.custom().priceCents(100_000));
    assertFalse(credits.custom().accepts(49));
    assertFalse(credits.custom().accepts(100_001));
  }

  @Test
  void aBadValueStopsStartUpNamingIt() {
    ConfigException base = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject().put("credits",
        new JsonObject().put("costs", CreditsConfig.defaultsJson().getJsonObject("costs").copy()
            .put("video", new JsonObject().put("base", 5.001).put("longerThanSeconds", 5).put("longerPercent", 100)))),
        Map.of()));
    assertEquals("Bad configuration: credits.costs.video.base must have at most two decimals (got 5.001)",
        base.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject().put("credits", new JsonObject().put("prices", 1)), Map.of()));
    assertTrue(unknown.getMessage().startsWith("Bad configuration: credits.prices "), unknown.getMessage());
    ConfigException types = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject().put("credits",
        new JsonObject().put("plans", new JsonObject().put("free", CreditsConfig.defaultsJson()
            .getJsonObject("plans").getJsonObject("free").copy().put("types", new io.vertx.core.json.JsonArray()
                .add("text"))))), Map.of()));
    assertTrue(types.getMessage().startsWith("Bad configuration: credits.plans.free.types "), types.getMessage());
    assertEquals(CreditsConfig.defaults(), Settings.from(new JsonObject(), Map.of()).credits(),
        "without a credits object the defaults apply");
  }

  @Test
  void paidPlansCarryTheirStripePricesAndABadPriceIdStopsStartUp() {
    CreditsConfig config = CreditsConfig.defaults();
    assertEquals(Map.of("monthly", "", "yearly", ""), config.plan("pro").stripePrices());
    assertEquals(Map.of(), config.plan("free").stripePrices());
    JsonObject plans = CreditsConfig.defaultsJson().getJsonObject("plans");
    plans.getJsonObject("enterprise").put("stripePrices", new JsonObject().put("monthly", "price_1Ent"));
    assertEquals(Map.of("monthly", "price_1Ent"), CreditsConfig.from(new JsonObject().put("plans", plans))
        .plan("enterprise").stripePrices());
    plans.getJsonObject("enterprise").put("stripePrices", new JsonObject().put("monthly", "prod_1Ent"));
    ConfigException bad = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject().put("credits", new JsonObject().put("plans", plans)), Map.of()));
    assertEquals("Bad configuration: credits.plans.enterprise.stripePrices.monthly must be a Stripe Price id "
        + "(price_…) or empty", bad.getMessage());
    plans.getJsonObject("enterprise").put("stripePrices", new JsonObject().put("weekly", ""));
    assertTrue(assertThrows(ConfigException.class, () -> CreditsConfig.from(new JsonObject().put("plans", plans)))
        .getMessage().contains("credits.plans.enterprise.stripePrices.weekly"));
  }

  @Test
  void jsonCarriesTwoDecimalsAsNumbers() {
    assertEquals(12.5, Credits.toJson(1250));
    assertEquals("{\"b\":0.1}", new JsonObject().put("b", Credits.toJson(10)).encode());
    assertEquals("{\"b\":12.34}", new JsonObject().put("b", Credits.toJson(1234)).encode());
    assertEquals(1250, Credits.parse(12.5));
    assertEquals(1, Credits.parse("0.01"));
    assertThrows(IllegalArgumentException.class, () -> Credits.parse(0.001));
    assertThrows(IllegalArgumentException.class, () -> Credits.parse("ten"));
  }
}
