package genpay.credits;

import java.util.List;

/**
 * A plan of {@code credits.plans}: credits granted every month (a yearly plan too), prices in cents, and what it
 * allows.
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
    String support) {

  public boolean allows(String type) {
    return types.contains(type);
  }
}
