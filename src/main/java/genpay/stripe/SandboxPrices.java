package genpay.stripe;

import genpay.credits.CreditsConfig;
import genpay.credits.Plan;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox's own recurring prices, {@code price_sandbox_{plan}_{interval}}, one per paid plan and interval,
 * their amounts from {@code credits.plans}.
 */
final class SandboxPrices {

  private final CreditsConfig credits;
  private final String currency;

  SandboxPrices(CreditsConfig credits) {
    this.credits = credits;
    this.currency = credits.currency() == null || credits.currency().isEmpty() ? "usd" : credits.currency();
  }

  static String id(String plan, String interval) {
    return "price_sandbox_" + plan + "_" + interval;
  }

  /** Every price, cheapest first (the portal lists them in this order). */
  List<JsonObject> all() {
    List<JsonObject> prices = new ArrayList<>();
    for (Plan plan : credits.plans().values()) {
      for (String interval : List.of("monthly", "yearly")) {
        JsonObject price = find(id(plan.id(), interval));
        if (price != null) {
          prices.add(price);
        }
      }
    }
    prices.sort(java.util.Comparator.comparingLong(price -> price.getLong("unit_amount")));
    return prices;
  }

  /** The price object, or null when the id is none of the sandbox's. */
  JsonObject find(String id) {
    if (id == null || !id.startsWith("price_sandbox_")) {
      return null;
    }
    String rest = id.substring("price_sandbox_".length());
    int cut = rest.lastIndexOf('_');
    if (cut < 1) {
      return null;
    }
    String interval = rest.substring(cut + 1);
    Plan plan = credits.plans().get(rest.substring(0, cut));
    if (plan == null || !List.of("monthly", "yearly").contains(interval)) {
      return null;
    }
    long amount = "monthly".equals(interval) ? plan.monthlyPriceCents() : plan.yearlyPriceCents();
    if (amount <= 0) {
      return null;
    }
    return new JsonObject()
        .put("id", id)
        .put("object", "price")
        .put("active", true)
        .put("billing_scheme", "per_unit")
        .put("created", 1_767_225_600L)
        .put("currency", currency)
        .put("unit_amount", amount)
        .put("unit_amount_decimal", String.valueOf(amount))
        .put("recurring", new JsonObject().put("interval", "monthly".equals(interval) ? "month" : "year")
            .put("interval_count", 1).put("usage_type", "licensed"))
        .put("product", "prod_sandbox_" + plan.id())
        .put("lookup_key", plan.id() + "_" + interval)
        .put("metadata", new JsonObject().put("plan", plan.id()))
        .put("nickname", null)
        .put("tax_behavior", "unspecified")
        .put("type", "recurring")
        .put("livemode", false);
  }
}
