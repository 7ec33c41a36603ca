package genpay.push;

import genpay.requests.RequestSnapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** The wire format of DESIGN.md section 5: {@code id:} version, {@code event:} status|file, {@code data:} JSON. */
public final class SseEvents {

  public static final String SESSION_EVENT = "status";
  public static final String FILE_EVENT = "file";
  /** Generation requests (DESIGN.md section 16). */
  public static final String REQUEST_EVENT = "request";
  public static final long RETRY_MS = 3_000;
  private static final Set<String> SESSION_TERMINAL = Set.of("completed", "error", "expired");
  private static final Set<String> FILE_TERMINAL = Set.of("completed", "failed", "timeout");

  private SseEvents() {
  }

  /** JSON encoding never holds a raw newline, so one data line carries the whole snapshot. */
  public static String event(String type, long version, JsonObject data) {
    return "id: " + version + "\nevent: " + type + "\ndata: " + data.encode() + "\n\n";
  }

  /** The same event as bytes, the JSON written straight to UTF-8 (no String of the whole snapshot on the way). */
  static Buffer eventBytes(String type, long version, JsonObject data) {
    Buffer json = data.toBuffer();
    return Buffer.buffer(json.length() + 48).appendString("id: " + version + "\nevent: " + type + "\ndata: ")
        .appendBuffer(json).appendString("\n\n");
  }

  public static String retry() {
    return "retry: " + RETRY_MS + "\n\n";
  }

  public static String keepAlive() {
    return ": keep-alive\n\n";
  }

  /**
   * Nothing more will change: the order or file has ended, and no refund of it is still owed (an owed refund
   * moves on to Stripe's status within seconds, and the buyer's page shows that move).
   */
  public static boolean terminal(String type, JsonObject snapshot) {
    String status = snapshot.getString("status", "");
    if (REQUEST_EVENT.equals(type)) {
      return RequestSnapshot.terminal(snapshot);
    }
    if (SESSION_EVENT.equals(type)) {
      return SESSION_TERMINAL.contains(status) && (!(snapshot.getValue("files") instanceof JsonArray files)
          || files.stream().noneMatch(file -> file instanceof JsonObject json && refundOwed(json)));
    }
    return FILE_TERMINAL.contains(status) && !refundOwed(snapshot);
  }

  private static boolean refundOwed(JsonObject file) {
    return file.getValue("refund") instanceof JsonObject refund && "owed".equals(refund.getValue("status"));
  }

  /** A terminal snapshot the reader already has: nothing newer will ever come, so the stream answers 204. */
  public static boolean nothingNewer(String type, JsonObject snapshot, long lastEventId) {
    return terminal(type, snapshot) && snapshot.getLong("version", 0L) <= lastEventId;
  }

  /** Last-Event-ID as a version; anything unreadable counts as none. */
  public static long lastEventId(String header) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
