package genpay.stripe;

import io.vertx.core.json.JsonObject;

/**
 * What the gateway needs to open the Checkout Session of a paid generation request (DESIGN.md section 16): an
 * ad-hoc price in cents, the request named in metadata so the webhook can route it.
 */
public record RequestCheckoutCommand(String requestId, String hostname, String provider, long urlCount,
                                     long amountCents, String currency, String locale, String idempotencyKey) {

  /** metadata.kind of every generation request's session: the webhook routes on it. */
  public static final String KIND = "generation_request";

  public String productName() {
    return "llms.txt for " + hostname + " (" + urlCount + " page" + (urlCount == 1 ? "" : "s") + ", " + provider + ")";
  }

  public JsonObject toJson() {
    return new JsonObject().put("requestId", requestId).put("hostname", hostname).put("provider", provider)
        .put("urlCount", urlCount).put("amountCents", amountCents).put("currency", currency).put("locale", locale)
        .put("idempotencyKey", idempotencyKey);
  }

  public static RequestCheckoutCommand fromJson(JsonObject json) {
    return new RequestCheckoutCommand(json.getString("requestId"), json.getString("hostname"),
        json.getString("provider"), json.getLong("urlCount", 0L), json.getLong("amountCents"),
        json.getString("currency"), json.getString("locale", "en"), json.getString("idempotencyKey"));
  }
}
