package genpay.credits;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Usage of one UTC day (or, from {@link #sum}, of a range): credits spent and items, by type and by model. */
public record UsageDay(LocalDate from, LocalDate to, long credits, long count, long refunded,
                       Map<String, Tally> byType, Map<String, Tally> byModel) {

  public record Tally(long credits, long count) {
    Tally plus(Tally other) {
      return new Tally(credits + other.credits, count + other.count);
    }

    public JsonObject toJson() {
      return new JsonObject().put("credits", Credits.toJson(credits)).put("count", count);
    }
  }

  static UsageDay of(LocalDate day, Map<String, Long> fields) {
    Map<String, Tally> types = new TreeMap<>();
    Map<String, Tally> models = new TreeMap<>();
    fields.forEach((name, value) -> {
      // type:{operation}:credits|count and model:{model}:credits|count; a model may hold ':' no more than '/'.
      int last = name.lastIndexOf(':');
      if ((name.startsWith("type:") || name.startsWith("model:")) && last > 0) {
        Map<String, Tally> target = name.startsWith("type:") ? types : models;
        String key = name.substring(name.indexOf(':') + 1, last);
        Tally add = name.endsWith(":credits") ? new Tally(value, 0) : new Tally(0, value);
        target.merge(key, add, Tally::plus);
      }
    });
    return new UsageDay(day, day, fields.getOrDefault("credits", 0L), fields.getOrDefault("count", 0L),
        fields.getOrDefault("refunded", 0L), types, models);
  }

  static UsageDay sum(LocalDate from, LocalDate to, List<UsageDay> days) {
    Map<String, Tally> types = new TreeMap<>();
    Map<String, Tally> models = new TreeMap<>();
    long credits = 0;
    long count = 0;
    long refunded = 0;
    for (UsageDay day : days) {
      credits += day.credits;
      count += day.count;
      refunded += day.refunded;
      day.byType.forEach((key, tally) -> types.merge(key, tally, Tally::plus));
      day.byModel.forEach((key, tally) -> models.merge(key, tally, Tally::plus));
    }
    return new UsageDay(from, to, credits, count, refunded, types, models);
  }

  public JsonObject toJson() {
    JsonObject types = new JsonObject();
    byType.forEach((key, tally) -> types.put(key, tally.toJson()));
    JsonObject models = new JsonObject();
    byModel.forEach((key, tally) -> models.put(key, tally.toJson()));
    JsonObject json = new JsonObject();
    if (from.equals(to)) {
      json.put("date", from.toString());
    } else {
      json.put("from", from.toString()).put("to", to.toString());
    }
    return json.put("credits", Credits.toJson(credits)).put("count", count).put("refunded", Credits.toJson(refunded))
        .put("byType", types).put("byModel", models);
  }
}
