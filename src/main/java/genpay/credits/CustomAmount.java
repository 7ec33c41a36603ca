package genpay.credits;

/** A custom purchase ({@code credits.custom}): whole credits from {@code min} to {@code max}, no bonus. */
public record CustomAmount(long min, long max, long unitPriceCents) {

  public boolean accepts(long credits) {
    return credits >= min && credits <= max;
  }

  public long priceCents(long credits) {
    if (!accepts(credits)) {
      throw new IllegalArgumentException("a custom amount is " + min + " to " + max + " credits");
    }
    return credits * unitPriceCents;
  }
}
