package genpay.accounts;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/** An account as stored in {@code account:{id}}. */
public record Account(String id, String email, String plan, String createdAt) {

  public boolean apiAccess() {
    return Plans.apiAccess(plan);
  }

  static Account of(Map<String, String> hash) {
    return new Account(hash.get("id"), hash.get("email"), hash.getOrDefault("plan", Plans.FREE),
        hash.get("createdAt"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("email", email).put("plan", plan).put("createdAt", createdAt);
  }
}
