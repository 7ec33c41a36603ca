package genpay.credits;

import java.util.List;
import java.util.Map;

/**
 * A plan of {@code credits.plans}: credits granted every month (a yearly plan too), prices in cents, and what it
 * allows. {@code stripePrices}: interval ({@code monthly}, {@code yearly}) → Stripe Price id, empty for a free
 * plan; an empty id means the sandbox's own price (genpay.billing.PlanPrices).
 */
public record Plan(
    String id,
    long monthlyCredits,
    long monthlyPriceCents,
    long yearlyPriceCents,
    List<String> types,
    boolean priority,
    boolean apiAccess,
    boolean customModels,
    boolean sla,
    String support,
    Map<String, String> stripePrices) {

  public static final List<String> INTERVALS = List.of("monthly", "yearly");

  /** Paid: a price above zero at some interval. */
  public boolean paid() {
    return monthlyPriceCents > 0 || yearlyPriceCents > 0;
  }

  /** The price in cents of one period at {@code interval} (monthly or yearly). */
  public long priceCents(String interval) {
    return "yearly".equals(interval) ? yearlyPriceCents : monthlyPriceCents;
  }

  public boolean allows(String type) {
    return types.contains(type);
  }
}
