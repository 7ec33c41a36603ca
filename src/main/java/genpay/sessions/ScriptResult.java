package genpay.sessions;

import io.vertx.core.json.JsonObject;

import java.util.List;

/** What a session script did, with the session snapshot (and its files) as of that moment. */
public record ScriptResult(Outcome outcome, JsonObject session, List<JsonObject> files) {

  /** UNCHANGED: the move was not allowed (or already made); DUPLICATE: this Stripe event was applied before. */
  public enum Outcome { CHANGED, UNCHANGED, DUPLICATE, UNKNOWN }

  public boolean changed() {
    return outcome == Outcome.CHANGED;
  }

  public boolean unknown() {
    return outcome == Outcome.UNKNOWN;
  }
}
