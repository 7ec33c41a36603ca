package genpay.sessions;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** What a session script did, with the session snapshot (and its files) as of that moment. */
public record ScriptResult(Outcome outcome, JsonObject session, List<JsonObject> files, Map<String, String> fields) {

  /** UNCHANGED: the move was not allowed (or already made); DUPLICATE: this Stripe event was applied before. */
  public enum Outcome { CHANGED, UNCHANGED, DUPLICATE, UNKNOWN }

  /** A stored time of the session (createdAt, paidAt) in epoch ms, or 0. */
  public long time(String field) {
    String value = fields == null ? null : fields.get(field);
    return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
  }

  public boolean changed() {
    return outcome == Outcome.CHANGED;
  }

  public boolean unknown() {
    return outcome == Outcome.UNKNOWN;
  }
}
