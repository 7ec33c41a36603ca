package genpay.credits;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.time.Instant;

/** One ledger stream entry; {@code amount} is signed, both amounts in hundredths. */
public record Entry(String id, String type, long amount, long balanceAfter, String bucket, String source,
                    String sourceId, String operation, String model, String description, long at) {

  static Entry from(Response item) {
    Response fields = item.get(1);
    JsonObject map = new JsonObject();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      map.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    return new Entry(item.get(0).toString(), map.getString("type"), Long.parseLong(map.getString("amount")),
        Long.parseLong(map.getString("balance_after")), map.getString("bucket"), map.getString("source"),
        map.getString("source_id"), map.getString("operation"), map.getString("model"),
        map.getString("description"), Long.parseLong(map.getString("at")));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", type).put("amount", Credits.toJson(amount))
        .put("balance_after", Credits.toJson(balanceAfter)).put("bucket", bucket).put("source", source)
        .put("source_id", sourceId).put("operation", operation).put("model", model).put("description", description)
        .put("at", Instant.ofEpochMilli(at).toString());
  }
}
