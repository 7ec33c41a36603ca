package genpay.stripe;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * What the gateway needs to open a Checkout Session for credits. Credits and bonus in hundredths, as the ledger
 * counts them; packageId is null for a custom amount.
 */
public record CreditsCheckoutCommand(String accountId, String email, String packageId, long credits, long bonus,
                                     long priceCents, String locale, String idempotencyKey) {

  /** metadata.kind of every credits session: the webhook routes on it. */
  public static final String KIND = "credits";

  /** "100 credits + 5 bonus", as the buyer sees it at Stripe. */
  public String productName() {
    return bonus > 0 ? plain(credits) + " credits + " + plain(bonus) + " bonus" : plain(credits) + " credits";
  }

  String creditsText() {
    return plain(credits);
  }

  String bonusText() {
    return plain(bonus);
  }

  private static String plain(long hundredths) {
    return BigDecimal.valueOf(hundredths, 2).stripTrailingZeros().toPlainString();
  }

  public JsonObject toJson() {
    return new JsonObject().put("accountId", accountId).put("email", email).put("packageId", packageId)
        .put("credits", credits).put("bonus", bonus).put("priceCents", priceCents).put("locale", locale)
        .put("idempotencyKey", idempotencyKey);
  }

  public static CreditsCheckoutCommand fromJson(JsonObject json) {
    return new CreditsCheckoutCommand(json.getString("accountId"), json.getString("email"),
        json.getString("packageId"), json.getLong("credits"), json.getLong("bonus"), json.getLong("priceCents"),
        json.getString("locale"), json.getString("idempotencyKey"));
  }
}
