package genpay.push;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One SSE event ({@code id:}, {@code event:}, {@code data:}) encoded once. Immutable: every stream that wants it
 * is written the same buffer (Vert.x writes a slice of it per socket, so its bytes are never copied or changed).
 */
final class SseFrame {

  /** Which stream index the event goes to: the session, file or request id. */
  final String type;
  final String id;
  final long version;
  /** Nothing more will change after it: the stream ends once it is sent. */
  final boolean terminal;
  private final Buffer bytes;

  private SseFrame(String type, String id, long version, boolean terminal, Buffer bytes) {
    this.type = type;
    this.id = id;
    this.version = version;
    this.terminal = terminal;
    this.bytes = bytes;
  }

  /** The one encoding of {@code snapshot}, for the streams of {@code id}. */
  static SseFrame of(String type, String id, JsonObject snapshot, PushMetrics metrics) {
    metrics.encoded.increment();
    long version = snapshot.getLong("version", 0L);
    return new SseFrame(type, id, version, SseEvents.terminal(type, snapshot),
        SseEvents.eventBytes(type, version, snapshot));
  }

  Buffer bytes() {
    return bytes;
  }

  int length() {
    return bytes.length();
  }
}
