package genpay.sessions;

import io.vertx.core.json.JsonObject;

/** The body of one {@code status.changed} publish: the session as committed and, for a file change, the file. */
public final class StatusEvents {

  private StatusEvents() {
  }

  public static JsonObject sessionChanged(JsonObject session, long committedAtMillis) {
    return new JsonObject()
        .put("sessionId", session.getString("sessionId"))
        .put("version", session.getLong("version"))
        .put("committedAt", committedAtMillis)
        .put("session", session);
  }

  public static JsonObject fileChanged(JsonObject session, JsonObject file, long committedAtMillis) {
    return sessionChanged(session, committedAtMillis).put("file", file);
  }
}
