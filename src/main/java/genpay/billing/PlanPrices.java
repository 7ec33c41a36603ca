package genpay.billing;

import genpay.credits.CreditsConfig;
import genpay.credits.Plan;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Stripe Price of each paid plan and interval, both ways. An id left empty in {@code credits.plans.*.stripePrices}
 * is, in sandbox mode, the sandbox's own {@code price_sandbox_{plan}_{interval}}; against live Stripe that
 * interval cannot be sold.
 */
public final class PlanPrices {

  /** A plan at an interval: what one Stripe Price sells. */
  public record PlanInterval(String plan, String interval) {
  }

  private final Map<PlanInterval, String> ids = new LinkedHashMap<>();
  private final Map<String, PlanInterval> byId = new HashMap<>();

  public PlanPrices(CreditsConfig config, boolean sandbox) {
    for (Plan plan : config.plans().values()) {
      if (!plan.paid()) {
        continue;
      }
      for (String interval : Plan.INTERVALS) {
        String id = plan.stripePrices().getOrDefault(interval, "");
        if (id.isEmpty() && sandbox) {
          id = sandboxId(plan.id(), interval);
        }
        if (!id.isEmpty() && plan.priceCents(interval) > 0) {
          PlanInterval key = new PlanInterval(plan.id(), interval);
          ids.put(key, id);
          byId.put(id, key);
        }
      }
    }
  }

  public static String sandboxId(String plan, String interval) {
    return "price_sandbox_" + plan + "_" + interval;
  }

  /** The price id, or null when that plan is not sold at that interval. */
  public String priceId(String plan, String interval) {
    return ids.get(new PlanInterval(plan, interval));
  }

  /** What a price sells, or null for a price that is none of the plans'. */
  public PlanInterval of(String priceId) {
    return priceId == null ? null : byId.get(priceId);
  }
}
