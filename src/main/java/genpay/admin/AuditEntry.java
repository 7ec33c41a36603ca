package genpay.admin;

import io.vertx.core.json.JsonObject;

/** One admin action as the audit keeps it: who (the admin's e-mail), what, on what, when and why, and its outcome. */
public record AuditEntry(long at, String admin, String action, String target, String orderId, String reason,
                         String outcome) {

  public JsonObject toJson() {
    return new JsonObject().put("at", at).put("admin", admin).put("action", action).put("target", target)
        .put("orderId", orderId).put("reason", reason).put("outcome", outcome);
  }
}
