package genpay.accounts;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/** What is kept of an API key ({@code apikey:{sha256}}): never the key itself. */
public record ApiKey(String id, String accountId, String name, String prefix, String createdAt, String lastUsedAt) {

  static ApiKey of(Map<String, String> hash) {
    String lastUsed = hash.get("lastUsedAt");
    return new ApiKey(hash.get("id"), hash.get("accountId"), hash.get("name"), hash.get("prefix"),
        hash.get("createdAt"), lastUsed == null || lastUsed.isEmpty() ? null : lastUsed);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("prefix", prefix).put("createdAt", createdAt)
        .put("lastUsedAt", lastUsedAt);
  }
}
