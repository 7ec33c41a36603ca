package genpay.billing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One account's subscription as the engine keeps it in {@code billing:{accountId}}: what the last retrieve from
 * Stripe said, and when that retrieve began ({@code syncedAt}, ms), so an older answer never overwrites a newer one.
 * Periods in epoch seconds, Stripe's.
 */
public record SubscriptionState(String subscriptionId, String customerId, String plan, String interval,
                                SubscriptionStatus status, boolean cancelAtPeriodEnd, long periodStart,
                                long periodEnd, String testClock, String latestInvoice, String itemId,
                                String priceId, long created, long syncedAt) {

  /**
   * Reads Stripe's subscription object (raw JSON). The period lives on the item from API 2025-03-31.basil on and on
   * the subscription before it; both are read. {@code plan} is null for a price none of the plans sells.
   */
  public static SubscriptionState fromStripe(JsonObject subscription, PlanPrices prices, long syncedAt) {
    JsonObject item = firstItem(subscription);
    String priceId = null;
    if (item != null) {
      Object price = item.getValue("price");
      priceId = price instanceof JsonObject object ? object.getString("id") : price instanceof String id ? id : null;
    }
    PlanPrices.PlanInterval sold = prices.of(priceId);
    long start = number(item, "current_period_start", number(subscription, "current_period_start", 0));
    long end = number(item, "current_period_end", number(subscription, "current_period_end", 0));
    return new SubscriptionState(subscription.getString("id"), id(subscription.getValue("customer")),
        sold == null ? null : sold.plan(), sold == null ? null : sold.interval(),
        SubscriptionStatus.fromWire(subscription.getString("status")),
        Boolean.TRUE.equals(subscription.getValue("cancel_at_period_end")), start, end,
        id(subscription.getValue("test_clock")), id(subscription.getValue("latest_invoice")),
        item == null ? null : item.getString("id"), priceId, number(subscription, "created", 0), syncedAt);
  }

  /** The fields of {@code billing:{accountId}} (customerId is written apart, when the customer is made). */
  public Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("subscriptionId", subscriptionId);
    fields.put("customerId", customerId == null ? "" : customerId);
    fields.put("plan", plan == null ? "" : plan);
    fields.put("interval", interval == null ? "" : interval);
    fields.put("status", status.wire());
    fields.put("cancelAtPeriodEnd", Boolean.toString(cancelAtPeriodEnd));
    fields.put("periodStart", Long.toString(periodStart));
    fields.put("periodEnd", Long.toString(periodEnd));
    fields.put("testClock", testClock == null ? "" : testClock);
    fields.put("latestInvoice", latestInvoice == null ? "" : latestInvoice);
    fields.put("itemId", itemId == null ? "" : itemId);
    fields.put("priceId", priceId == null ? "" : priceId);
    fields.put("created", Long.toString(created));
    fields.put("syncedAt", Long.toString(syncedAt));
    return fields;
  }

  /** Null when the hash holds no subscription (perhaps only a customer). */
  public static SubscriptionState fromFields(Map<String, String> fields) {
    String id = fields.get("subscriptionId");
    if (id == null || id.isEmpty()) {
      return null;
    }
    return new SubscriptionState(id, blank(fields.get("customerId")), blank(fields.get("plan")),
        blank(fields.get("interval")), SubscriptionStatus.fromWire(fields.get("status")),
        "true".equals(fields.get("cancelAtPeriodEnd")), parse(fields.get("periodStart")),
        parse(fields.get("periodEnd")), blank(fields.get("testClock")), blank(fields.get("latestInvoice")),
        blank(fields.get("itemId")), blank(fields.get("priceId")), parse(fields.get("created")),
        parse(fields.get("syncedAt")));
  }

  /** The API's shape: {@code {id, plan, interval, status, cancelAtPeriodEnd, currentPeriodStart, currentPeriodEnd, customerId}}. */
  public JsonObject toJson() {
    return new JsonObject().put("id", subscriptionId).put("plan", plan).put("interval", interval)
        .put("status", status.wire()).put("cancelAtPeriodEnd", cancelAtPeriodEnd)
        .put("currentPeriodStart", periodStart == 0 ? null : Instant.ofEpochSecond(periodStart).toString())
        .put("currentPeriodEnd", periodEnd == 0 ? null : Instant.ofEpochSecond(periodEnd).toString())
        .put("customerId", customerId);
  }

  private static JsonObject firstItem(JsonObject subscription) {
    if (subscription.getValue("items") instanceof JsonObject items && items.getValue("data") instanceof JsonArray data
        && !data.isEmpty() && data.getValue(0) instanceof JsonObject item) {
      return item;
    }
    return null;
  }

  private static String id(Object value) {
    if (value instanceof JsonObject expanded) {
      value = expanded.getValue("id");
    }
    return value instanceof String text && !text.isEmpty() ? text : null;
  }

  private static long number(JsonObject json, String key, long otherwise) {
    return json != null && json.getValue(key) instanceof Number n ? n.longValue() : otherwise;
  }

  private static String blank(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static long parse(String value) {
    try {
      return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
