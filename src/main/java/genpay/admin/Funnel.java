package genpay.admin;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The funnel of the orders created in a period: created → paid → all done, and failed (ended in error after
 * payment), with the median time of each stage from the times stored on each order (createdAt, paidAt, endedAt).
 */
public record Funnel(long from, long to, long created, long paid, long allDone, long failed, long expired,
                     Long medianToPaidMs, Long medianToDoneMs, Long medianToFailedMs, boolean capped) {

  /** One order's stage times; 0 for a stage not reached. */
  public record Order(long createdAt, long paidAt, long endedAt, String status) {
  }

  public static Funnel of(long from, long to, List<Order> orders, boolean capped) {
    long paid = 0;
    long done = 0;
    long failed = 0;
    long expired = 0;
    List<Long> toPaid = new ArrayList<>();
    List<Long> toDone = new ArrayList<>();
    List<Long> toFailed = new ArrayList<>();
    for (Order order : orders) {
      if ("expired".equals(order.status())) {
        expired++;
      }
      if (order.paidAt() <= 0) {
        continue;
      }
      paid++;
      toPaid.add(Math.max(0, order.paidAt() - order.createdAt()));
      if ("completed".equals(order.status())) {
        done++;
        if (order.endedAt() > 0) {
          toDone.add(Math.max(0, order.endedAt() - order.paidAt()));
        }
      } else if ("error".equals(order.status())) {
        failed++;
        if (order.endedAt() > 0) {
          toFailed.add(Math.max(0, order.endedAt() - order.paidAt()));
        }
      }
    }
    return new Funnel(from, to, orders.size(), paid, done, failed, expired, median(toPaid), median(toDone),
        median(toFailed), capped);
  }

  /** The middle value (the mean of the two middle ones for an even count); null for none. */
  static Long median(List<Long> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  public JsonObject toJson() {
    return new JsonObject().put("from", from).put("to", to)
        .put("created", created).put("paid", paid).put("allDone", allDone).put("failed", failed)
        .put("expired", expired)
        .put("medianMs", new JsonObject().put("createdToPaid", medianToPaidMs).put("paidToAllDone", medianToDoneMs)
            .put("paidToFailed", medianToFailedMs))
        .put("countIsLowerBound", capped);
  }
}
