package genpay.sessions;

import io.vertx.core.json.JsonObject;

/**
 * An order paid with credits: N files of one type, each costing {@code unitCost} hundredths of a credit. Its jobs
 * go to the priority stream when the account's plan has the priority queue.
 */
public record CreditOrder(String orderId, String accountId, String type, String prompt, int quantity,
                          String quality, Integer durationSeconds, long unitCost, String toolSlug, String toolTitle,
                          String locale, boolean priority) {

  public static final String KIND = "credits";
  /** What a credit order's amounts and refunds are counted in. */
  public static final String CURRENCY = "credits";

  public JsonObject toJson() {
    return new JsonObject().put("orderId", orderId).put("accountId", accountId).put("type", type)
        .put("prompt", prompt).put("quantity", quantity).put("quality", quality)
        .put("durationSeconds", durationSeconds).put("unitCost", unitCost).put("toolSlug", toolSlug)
        .put("toolTitle", toolTitle).put("locale", locale).put("priority", priority);
  }

  public static CreditOrder fromJson(JsonObject json) {
    return new CreditOrder(json.getString("orderId"), json.getString("accountId"), json.getString("type"),
        json.getString("prompt"), json.getInteger("quantity"), json.getString("quality"),
        json.getInteger("durationSeconds"), json.getLong("unitCost"), json.getString("toolSlug"),
        json.getString("toolTitle"), json.getString("locale", "en"), json.getBoolean("priority", false));
  }
}
