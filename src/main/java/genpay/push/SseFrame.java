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
  /** A session event encoded before this node knew the order's prompt: kept to be encoded again with it. */
  private final JsonObject withoutPrompt;

  private SseFrame(String type, String id, long version, boolean terminal, Buffer bytes, JsonObject withoutPrompt) {
    this.type = type;
    this.id = id;
    this.version = version;
    this.terminal = terminal;
    this.bytes = bytes;
    this.withoutPrompt = withoutPrompt;
  }

  /** The one encoding of {@code snapshot}, for the streams of {@code id}. */
  static SseFrame of(String type, String id, JsonObject snapshot, PushMetrics metrics) {
    metrics.encoded.increment();
    long version = snapshot.getLong("version", 0L);
    boolean promptMissing = SseEvents.SESSION_EVENT.equals(type) && !snapshot.containsKey("prompt");
    return new SseFrame(type, id, version, SseEvents.terminal(type, snapshot),
        SseEvents.eventBytes(type, version, snapshot), promptMissing ? snapshot : null);
  }

  /**
   * A change's session event is the REST answer, prompt included, but {@code status.changed} leaves the prompt
   * out: the push puts back the one it learnt from the order's first snapshot on this node. Only a change that
   * came before any such snapshot lacks it; the stream that has one encodes that change again for itself.
   */
  boolean lacksPrompt() {
    return withoutPrompt != null;
  }

  SseFrame withPrompt(String prompt, PushMetrics metrics) {
    return of(type, id, withoutPrompt.copy().put("prompt", prompt), metrics);
  }

  Buffer bytes() {
    return bytes;
  }

  int length() {
    return bytes.length();
  }
}
