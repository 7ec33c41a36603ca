package genpay.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A global page out of per-shard pages: every shard returns its newest {@code page × limit} matching rows (and its
 * count), so the newest {@code page × limit} of all are among them; merged newest first, the page is sliced out.
 */
public final class Paging {

  static final Comparator<JsonObject> NEWEST_FIRST = Comparator
      .comparingLong((JsonObject row) -> row.getLong("createdAt", 0L)).reversed()
      .thenComparing(row -> row.getString("id", ""));

  private Paging() {
  }

  /** One shard's answer: its rows newest first, how many match in all, and whether its scan hit the bound. */
  public record ShardRows(List<JsonObject> rows, long total, boolean capped) {
  }

  public static JsonObject page(List<ShardRows> shards, int page, int limit) {
    List<JsonObject> all = new ArrayList<>();
    long total = 0;
    boolean capped = false;
    for (ShardRows shard : shards) {
      all.addAll(shard.rows());
      total += shard.total();
      capped |= shard.capped();
    }
    all.sort(NEWEST_FIRST);
    int start = Math.min(all.size(), (page - 1) * limit);
    int end = Math.min(all.size(), start + limit);
    return new JsonObject().put("items", new JsonArray(new ArrayList<>(all.subList(start, end))))
        .put("page", page).put("limit", limit).put("total", total).put("totalIsLowerBound", capped);
  }
}
