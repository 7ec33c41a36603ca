package genpay.llm;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Map;

/** A request as {@code GET /api/generation-requests/{id}} shows it (section 16), made from its hash. */
public final class RequestSnapshot {

  private RequestSnapshot() {
  }

  public static JsonObject of(Map<String, String> hash) {
    long amount = number(hash.get("amount"));
    JsonObject json = new JsonObject()
        .put("id", hash.get("id"))
        .put("hostname", hash.get("hostname"))
        .put("provider", hash.get("provider"))
        .put("status", hash.get("status"))
        .put("requiresPayment", amount > 0)
        // Major units, as the API shows them: 50 cents is 0.5.
        .put("amount", BigDecimal.valueOf(amount, 2).stripTrailingZeros().doubleValue())
        .put("currency", hash.get("currency"))
        .put("progress", new JsonObject().put("done", number(hash.get("done"))).put("total", number(hash.get("total"))))
        .put("version", number(hash.get("version")));
    String link = hash.get("paymentLink");
    if (link != null && !link.isEmpty()) {
      json.put("paymentLink", link);
    }
    String error = hash.get("error");
    if (error != null && !error.isEmpty()) {
      json.put("error", error);
    }
    String refund = hash.get("refund");
    if (refund != null && !refund.isEmpty() && !"none".equals(refund)) {
      json.put("refund", refund);
    }
    return json;
  }

  private static long number(String value) {
    try {
      return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
