package genpay.llm;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A request as {@code GET /api/generation-requests/{id}} shows it (section 16), made from its hash. The same JSON
 * as genpay.requests.RequestSnapshot on the API's branch: at merge one of the two stays.
 */
public final class RequestSnapshot {

  private RequestSnapshot() {
  }

  public static JsonObject of(Map<String, String> fields) {
    String id = fields.get("id");
    String status = fields.getOrDefault("status", "");
    long cents = number(fields.get("amount"));
    JsonObject snapshot = new JsonObject()
        .put("id", id)
        .put("hostname", fields.get("hostname"))
        .put("provider", fields.get("provider"))
        .put("status", status)
        .put("requiresPayment", "awaiting_payment".equals(status))
        .put("amount", cents / 100.0)
        .put("currency", fields.getOrDefault("currency", ""))
        .put("progress", new JsonObject().put("done", number(fields.get("done"))).put("total", number(fields.get("total"))))
        .put("createdAt", number(fields.get("createdAt")))
        .put("version", number(fields.get("version")));
    String link = fields.getOrDefault("paymentLink", "");
    if ("awaiting_payment".equals(status) && !link.isEmpty()) {
      snapshot.put("paymentLink", link);
    }
    String error = fields.getOrDefault("error", "");
    if (!error.isEmpty()) {
      snapshot.put("error", error);
    }
    if ("completed".equals(status)) {
      snapshot.put("resultUrl", "/api/generation-requests/" + id + "/result");
    }
    String refund = fields.getOrDefault("refund", "none");
    if (!refund.isEmpty() && !"none".equals(refund)) {
      JsonObject shown = new JsonObject().put("status", refund).put("amount", cents / 100.0);
      String refundId = fields.getOrDefault("refundId", "");
      if (!refundId.isEmpty()) {
        shown.put("id", refundId);
      }
      snapshot.put("refund", shown);
    }
    return snapshot;
  }

  private static long number(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
