package genpay.sites;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProviderPricesTest {

  /** The conf block of the contract, as conf/application.json will hold it. */
  private static final String CONF = """
      {"generation": {"providers": {"gemini": {"perUrl": 0.00097, "currency": "EUR", "model": "gemini-2.5-flash",
       "paid": true}, "ollama": {"perUrl": 0, "currency": "eur", "model": "llama3.2", "paid": false}},
       "pageConcurrency": 8}}""";

  @Test
  void paidTotalsAreRoundedToCentsAndAtLeastFiftyCentsFreeOnesAreZero() {
    ProviderPrices prices = ProviderPrices.from(new JsonObject(CONF).getJsonObject("generation")
        .getJsonObject("providers"));
    ProviderPrices.Price gemini = prices.all().get("gemini");
    assertEquals(new BigDecimal("0.50"), gemini.total(1));
    assertEquals(new BigDecimal("0.50"), gemini.total(120));
    assertEquals(new BigDecimal("0.97"), gemini.total(1_000));
    assertEquals(new BigDecimal("0.51"), gemini.total(525)); // 0.50925 → 0.51
    assertEquals(new BigDecimal("48.50"), gemini.total(50_000));
    assertEquals(BigDecimal.ZERO, prices.all().get("ollama").total(50_000));
    JsonObject json = prices.toJson(50_000);
    assertEquals(48.5, json.getJsonObject("gemini").getDouble("total"));
    assertEquals("eur", json.getJsonObject("gemini").getString("currency"));
    assertEquals(0.0, json.getJsonObject("ollama").getDouble("total"));
    assertEquals(ProviderPrices.DEFAULTS.toJson(777), prices.toJson(777));
  }

  @Test
  void aProviderWithoutAPriceOrCurrencyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ProviderPrices.from(new JsonObject()
        .put("gemini", new JsonObject().put("currency", "eur"))));
    assertThrows(IllegalArgumentException.class, () -> ProviderPrices.from(new JsonObject()
        .put("gemini", new JsonObject().put("perUrl", 0.001).put("currency", "euro"))));
  }
}
