package genpay.credits;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/** An account's balance and the buckets holding it, in the order a spend takes them. Hundredths. */
public record Balance(long balance, List<Bucket> buckets) {

  /** {@code source} is the grant's type (purchase, bonus, subscription_grant, free_grant, adjustment, refund). */
  public record Bucket(String id, String source, String sourceId, long remaining, Instant expiresAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("source", source).put("sourceId", sourceId)
          .put("remaining", Credits.toJson(remaining)).put("expiresAt", expiresAt == null ? null : expiresAt.toString());
    }
  }

  public long bucketsTotal() {
    return buckets.stream().mapToLong(Bucket::remaining).sum();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    buckets.forEach(bucket -> list.add(bucket.toJson()));
    return new JsonObject().put("balance", Credits.toJson(balance)).put("buckets", list);
  }
}
