package genpay.credits;

/** A one-time package of {@code credits.packages}: credits and bonus in hundredths, price in cents. */
public record CreditPackage(String id, long credits, long bonus, long priceCents) {
}
