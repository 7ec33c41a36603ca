package genpay.requests;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * A request as the API, its stream and {@code requests.changed} show it (DESIGN.md section 16): amounts in
 * major units, the payment link only while it can be paid, the refund's state (owed, succeeded, failed) once there
 * is one.
 */
public final class RequestSnapshot {

  static final String AWAITING_PAYMENT = "awaiting_payment";
  static final String QUEUED = "queued";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";
  private static final Set<String> ENDED = Set.of(COMPLETED, FAILED);

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
        // The provider is a paid one; whether it is paid yet is "paid" (and the status past awaiting_payment).
        .put("requiresPayment", cents > 0)
        .put("paid", !fields.getOrDefault("paidAt", "").isEmpty())
        .put("amount", cents / 100.0)
        .put("currency", fields.getOrDefault("currency", ""))
        .put("progress", new JsonObject().put("done", number(fields.get("done"))).put("total", number(fields.get("total"))))
        .put("createdAt", number(fields.get("createdAt")))
        .put("version", number(fields.get("version")));
    String link = fields.getOrDefault("paymentLink", "");
    if (AWAITING_PAYMENT.equals(status) && !link.isEmpty()) {
      snapshot.put("paymentLink", link);
    }
    String error = fields.getOrDefault("error", "");
    if (!error.isEmpty()) {
      snapshot.put("error", error);
    }
    if (COMPLETED.equals(status)) {
      snapshot.put("resultUrl", "/api/generation-requests/" + id + "/result");
    }
    String refund = fields.getOrDefault("refund", "none");
    if (!refund.isEmpty() && !"none".equals(refund)) {
      snapshot.put("refund", refund);
      String refundId = fields.getOrDefault("refundId", "");
      if (!refundId.isEmpty()) {
        snapshot.put("refundId", refundId);
      }
    }
    return snapshot;
  }

  /** Nothing will change any more: ended, and no refund still owed. */
  public static boolean terminal(JsonObject snapshot) {
    if (!ENDED.contains(snapshot.getString("status", ""))) {
      return false;
    }
    return !"owed".equals(snapshot.getValue("refund"));
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
