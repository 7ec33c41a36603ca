package genpay.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One change as the admin streams send it ({@code event: order}, the session snapshot of the change), encoded once
 * per node and written as the same bytes to every admin stream. No {@code id:}: versions are per order, and a
 * reconnecting console reloads its list instead.
 */
record AdminFrame(String orderId, long version, Buffer bytes) {

  static final String EVENT = "order";
  /** Sent on connect: the console loads its list now, so no change falls between the list and the stream. */
  static final Buffer READY = Buffer.buffer("retry: 3000\n\nevent: ready\ndata: {}\n\n");
  /** Sent after changes were dropped for a slow reader: the console reloads its list. */
  static final Buffer RESYNC = Buffer.buffer("event: resync\ndata: {}\n\n");
  static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  static AdminFrame of(JsonObject change) {
    JsonObject session = change.getJsonObject("session");
    Buffer json = session.toBuffer();
    Buffer bytes = Buffer.buffer(json.length() + 24).appendString("event: " + EVENT + "\ndata: ").appendBuffer(json)
        .appendString("\n\n");
    return new AdminFrame(change.getString("sessionId"), session.getLong("version", 0L), bytes);
  }
}
