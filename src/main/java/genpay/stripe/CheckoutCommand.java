package genpay.stripe;

import io.vertx.core.json.JsonObject;

/** What the gateway needs to open a Checkout Session; no prompt, on purpose. */
public record CheckoutCommand(String priceId, int quantity, String toolSlug, String locale, String idempotencyKey) {

  public JsonObject toJson() {
    return new JsonObject().put("priceId", priceId).put("quantity", quantity).put("toolSlug", toolSlug)
        .put("locale", locale).put("idempotencyKey", idempotencyKey);
  }

  public static CheckoutCommand fromJson(JsonObject json) {
    return new CheckoutCommand(json.getString("priceId"), json.getInteger("quantity"), json.getString("toolSlug"),
        json.getString("locale"), json.getString("idempotencyKey"));
  }
}
