package genpay.sessions;

import genpay.credits.Credits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns what the Lua scripts return into the JSON of the REST answers and the SSE events. */
public final class Snapshots {

  private Snapshots() {
  }

  /** The scripts answer {outcome, session fields, file fields...}, or {-1} for an unknown session. */
  public static ScriptResult parse(Response response) {
    int flag = response.get(0).toInteger();
    if (flag < 0) {
      return new ScriptResult(ScriptResult.Outcome.UNKNOWN, null, List.of(), Map.of());
    }
    Map<String, String> session = fields(response.get(1));
    List<JsonObject> files = new ArrayList<>();
    for (int i = 2; i < response.size(); i++) {
      Map<String, String> file = fields(response.get(i));
      if (!file.isEmpty()) {
        files.add(file(file));
      }
    }
    ScriptResult.Outcome outcome = switch (flag) {
      case 1 -> ScriptResult.Outcome.CHANGED;
      case 2 -> ScriptResult.Outcome.DUPLICATE;
      default -> ScriptResult.Outcome.UNCHANGED;
    };
    return new ScriptResult(outcome, session(session, files), files, session);
  }

  /** {0, file fields} or {-1}: the public file snapshot with the worker's fields under "worker", or null. */
  public static JsonObject parseFile(Response response) {
    if (response.get(0).toInteger() < 0) {
      return null;
    }
    Map<String, String> fields = fields(response.get(1));
    return file(fields).put("worker", new JsonObject()
        .put("providerId", fields.getOrDefault("providerId", ""))
        .put("providerKey", fields.getOrDefault("providerKey", fields.get("id")))
        .put("createdAt", toLong(fields.get("createdAt")))
        .put("startedAt", toLong(fields.get("startedAt"))));
  }

  static Map<String, String> fields(Response flat) {
    Map<String, String> fields = new HashMap<>();
    if (flat == null) {
      return fields;
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
    }
    return fields;
  }

  /** The session snapshot of DESIGN.md section 4, from the session hash and its full file snapshots. */
  public static JsonObject session(Map<String, String> session, List<JsonObject> files) {
    JsonArray summaries = new JsonArray();
    for (JsonObject file : files) {
      summaries.add(new JsonObject()
          .put("id", file.getString("id"))
          .put("status", file.getString("status"))
          .put("progress", file.getInteger("progress"))
          .put("url", file.getString("url"))
          .put("thumbnail_url", file.getString("thumbnail_url"))
          .put("type", file.getString("type"))
          .put("error", file.getString("error"))
          .put("refund", file.getJsonObject("refund")));
    }
    return new JsonObject()
        .put("sessionId", session.get("sessionId"))
        .put("status", session.get("status"))
        .put("fileId", files.isEmpty() ? null : files.get(0).getString("id"))
        .put("files", summaries)
        .put("error", blankToNull(session.get("error")))
        .put("refunded", toLong(session.get("refundedAmount")) > 0
            ? new JsonObject().put("amount", amount(toLong(session.get("refundedAmount")), session.get("currency")))
                .put("currency", session.get("currency"))
            : null)
        .put("toolSlug", session.get("toolSlug"))
        .put("toolTitle", session.get("toolTitle"))
        .put("prompt", session.get("prompt"))
        .put("videoCount", toInt(session.get("videoCount")))
        .put("type", session.getOrDefault("type", "video"))
        .put("timestamp", toLong(session.get("updatedAt")))
        .put("version", toLong(session.get("version")));
  }

  /** The file snapshot of DESIGN.md section 4. */
  public static JsonObject file(Map<String, String> file) {
    String status = file.getOrDefault("status", "pending");
    String type = file.getOrDefault("type", "video");
    int progress = toInt(file.get("progress"));
    return new JsonObject()
        .put("id", file.get("id"))
        .put("sessionId", file.get("sessionId"))
        .put("status", status)
        .put("progress", progress)
        .put("url", blankToNull(file.get("url")))
        .put("thumbnail_url", blankToNull(file.get("thumbnailUrl")))
        .put("type", type)
        .put("tasks", new JsonArray().add(new JsonObject()
            .put("type", type + "-generation").put("status", status).put("progress", progress)))
        .put("error", blankToNull(file.get("error")))
        .put("refund", refund(file))
        .put("version", toLong(file.get("version")));
  }

  /**
   * What the buyer gets back for a video that could not be made, in minor units: {@code owed} until Stripe
   * has the refund, then Stripe's status (pending, succeeded, failed, canceled) and its id. Null when none.
   */
  private static JsonObject refund(Map<String, String> file) {
    String status = file.get("refundStatus");
    if (status == null || status.isEmpty()) {
      return null;
    }
    return new JsonObject().put("id", blankToNull(file.get("refundId")))
        .put("amount", amount(toLong(file.get("refundAmount")), file.get("refundCurrency")))
        .put("currency", file.get("refundCurrency"))
        .put("status", status);
  }

  /** Minor units for money; credits as numbers with two decimals (DESIGN.md section 14), stored as hundredths. */
  /** Credits as two-decimal numbers; money in minor units as Stripe gives it (an if, not ?:, keeps 500 a long). */
  private static Number amount(long stored, String currency) {
    if (CreditOrder.CURRENCY.equals(currency)) {
      return Credits.toJson(stored);
    }
    return stored;
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static int toInt(String value) {
    return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
  }

  private static long toLong(String value) {
    return value == null || value.isEmpty() ? 0L : Long.parseLong(value);
  }
}
