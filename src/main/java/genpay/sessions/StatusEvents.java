package genpay.sessions;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The body of one {@code status.changed} publish: the session as committed and, for a file change, the file.
 * The session leaves out what no change ever changes and may be large (the prompt, up to 20 KB): a page has it
 * from the stream's first snapshot or the REST answer, and a progress tick should not carry it to every node.
 */
public final class StatusEvents {

  /** Fields of the session snapshot that a change leaves out. */
  public static final Set<String> UNCHANGING = Set.of("prompt");

  private StatusEvents() {
  }

  public static JsonObject sessionChanged(JsonObject session, long committedAtMillis) {
    return new JsonObject()
        .put("sessionId", session.getString("sessionId"))
        .put("version", session.getLong("version"))
        .put("committedAt", committedAtMillis)
        .put("session", changeOf(session));
  }

  public static JsonObject fileChanged(JsonObject session, JsonObject file, long committedAtMillis) {
    return sessionChanged(session, committedAtMillis).put("file", file);
  }

  /** The snapshot without its unchanging fields; a shallow copy, since the caller's snapshot is also an answer. */
  static JsonObject changeOf(JsonObject session) {
    Map<String, Object> fields = new LinkedHashMap<>(session.getMap());
    fields.keySet().removeAll(UNCHANGING);
    return new JsonObject(fields);
  }
}
