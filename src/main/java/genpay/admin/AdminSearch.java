package genpay.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code q} of the orders list: a session or order id is read at once, a file id leads to its order (files live in
 * their order's shard), an e-mail to the orders of its index. The hits are then filtered like the list.
 */
final class AdminSearch {

  private final AdminStore store;

  AdminSearch(AdminStore store) {
    this.store = store;
  }

  Future<JsonObject> find(AdminQuery query) {
    String value = query.search().value();
    Future<List<String>> ids = switch (query.search().kind()) {
      case ORDER -> Future.succeededFuture(List.of(value));
      case FILE -> store.orderOfFile(value).map(orderId -> orderId == null ? List.<String>of() : List.of(orderId));
      case EMAIL -> store.ordersOfEmail(value);
    };
    return ids.compose(store::orderRows).map(rows -> {
      List<JsonObject> hits = new ArrayList<>();
      for (JsonObject row : rows) {
        long createdAt = row.getLong("createdAt", 0L);
        if ((query.status().isEmpty() || query.status().equals(row.getString("status")))
            && createdAt >= query.from() && createdAt <= query.to()) {
          hits.add(row);
        }
      }
      int start = Math.min(hits.size(), (query.page() - 1) * query.limit());
      int end = Math.min(hits.size(), start + query.limit());
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(hits.subList(start, end))))
          .put("page", query.page()).put("limit", query.limit()).put("total", hits.size())
          .put("totalIsLowerBound", false);
    });
  }
}
