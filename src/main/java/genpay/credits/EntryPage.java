package genpay.credits;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** One page of entries, newest first; {@code total} counts every entry the filters match. */
public record EntryPage(List<Entry> items, int page, int limit, long total) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    items.forEach(entry -> list.add(entry.toJson()));
    return new JsonObject().put("items", list).put("page", page).put("limit", limit).put("total", total);
  }
}
