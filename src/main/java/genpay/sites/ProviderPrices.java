package genpay.sites;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The price per URL of each generation provider, read from the {@code providers} object of the conf block
 * {@code generation} ({@code {gemini: {perUrl, currency, paid, ...}, ollama: {...}}}). A paid total is rounded to
 * cents and at least 0.50 (Stripe's smallest charge); a free one is 0.
 */
public final class ProviderPrices {

  public static final BigDecimal MINIMUM_PAID_TOTAL = new BigDecimal("0.50");

  /** DESIGN.md section 16's numbers, as conf/application.json's {@code generation.providers} holds them. */
  public static final ProviderPrices DEFAULTS = from(new JsonObject()
      .put("gemini", new JsonObject().put("perUrl", 0.00097).put("currency", "eur").put("paid", true))
      .put("ollama", new JsonObject().put("perUrl", 0).put("currency", "eur").put("paid", false)));

  private final Map<String, Price> prices;

  private ProviderPrices(Map<String, Price> prices) {
    this.prices = prices;
  }

  /** One provider's price per URL. */
  public record Price(BigDecimal perUrl, String currency, boolean paid) {

    /** The total for {@code urls} URLs, in major units. */
    public BigDecimal total(long urls) {
      if (!paid) {
        return BigDecimal.ZERO;
      }
      BigDecimal total = perUrl.multiply(BigDecimal.valueOf(urls)).setScale(2, RoundingMode.HALF_UP);
      return total.max(MINIMUM_PAID_TOTAL);
    }
  }

  /** The prices of the configured providers (conf {@code generation.providers}). */
  public static ProviderPrices of(genpay.llm.ProvidersConfig config) {
    Map<String, Price> prices = new LinkedHashMap<>();
    config.providers().forEach((name, provider) ->
        prices.put(name, new Price(provider.perUrl(), provider.currency(), provider.paid())));
    return new ProviderPrices(Map.copyOf(prices));
  }

  /** {@code providers}: provider name → {@code {perUrl, currency, paid}}; other fields (model, ...) are ignored. */
  public static ProviderPrices from(JsonObject providers) {
    Map<String, Price> prices = new LinkedHashMap<>();
    for (String name : providers.fieldNames()) {
      JsonObject provider = providers.getJsonObject(name);
      Number perUrl = provider.getNumber("perUrl");
      String currency = provider.getString("currency", "").toLowerCase(Locale.ROOT);
      if (perUrl == null || perUrl.doubleValue() < 0 || !currency.matches("^[a-z]{3}$")) {
        throw new IllegalArgumentException("generation.providers." + name
            + " needs a perUrl of 0 or more and a three-letter currency");
      }
      prices.put(name, new Price(new BigDecimal(perUrl.toString()), currency, provider.getBoolean("paid", true)));
    }
    return new ProviderPrices(Map.copyOf(prices));
  }

  public Map<String, Price> all() {
    return prices;
  }

  /** {@code {name: {total, perUrl, currency, paid}}} for a site of {@code urls} URLs. */
  public JsonObject toJson(long urls) {
    JsonObject json = new JsonObject();
    prices.keySet().stream().sorted().forEach(name -> {
      Price price = prices.get(name);
      json.put(name, new JsonObject()
          .put("total", price.total(urls).doubleValue())
          .put("perUrl", price.perUrl().doubleValue())
          .put("currency", price.currency())
          .put("paid", price.paid()));
    });
    return json;
  }
}
