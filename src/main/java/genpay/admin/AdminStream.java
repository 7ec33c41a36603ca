package genpay.admin;

import io.vertx.core.http.HttpServerResponse;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One admin's stream of every order change, with the push streams' back-pressure rules (genpay.push.Stream):
 * nothing is buffered beyond the write queue; while it is full only the newest change of each order is kept, in
 * a bounded map, sent when the queue drains; past the bound they are all dropped and the console told to reload
 * ({@code resync}); a reader whose queue stays full too long is closed.
 */
final class AdminStream {

  static final int WRITE_QUEUE_BYTES = 64 * 1024;
  static final int MAX_WAITING = 1_000;

  final int keepAliveSlot;
  private final HttpServerResponse response;
  private final Map<String, AdminFrame> waiting = new LinkedHashMap<>();
  private boolean resync;
  private long queueFullSince;
  private boolean closed;

  AdminStream(HttpServerResponse response, int keepAliveSlot) {
    this.response = response;
    this.keepAliveSlot = keepAliveSlot;
    response.setChunked(true)
        .setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .write(AdminFrame.READY);
    response.drainHandler(drained -> drain());
  }

  void offer(AdminFrame frame, long nowMillis) {
    if (closed()) {
      return;
    }
    if (resync || !waiting.isEmpty() || response.writeQueueFull()) {
      if (!resync) {
        AdminFrame older = waiting.remove(frame.orderId());
        waiting.put(frame.orderId(), older == null || older.version() <= frame.version() ? frame : older);
        if (waiting.size() > MAX_WAITING) {
          waiting.clear();
          resync = true;
        }
      }
      if (queueFullSince == 0) {
        queueFullSince = nowMillis;
      }
      return;
    }
    response.write(frame.bytes());
  }

  private void drain() {
    if (closed()) {
      return;
    }
    queueFullSince = 0;
    if (resync) {
      resync = false;
      response.write(AdminFrame.RESYNC);
      return;
    }
    Iterator<AdminFrame> next = waiting.values().iterator();
    while (next.hasNext() && !response.writeQueueFull()) {
      response.write(next.next().bytes());
      next.remove();
    }
  }

  void keepAlive() {
    if (!closed() && !response.writeQueueFull()) {
      response.write(AdminFrame.KEEP_ALIVE);
    }
  }

  boolean stalled(long nowMillis, long maxMillis) {
    if (!response.writeQueueFull()) {
      if (waiting.isEmpty() && !resync) {
        queueFullSince = 0;
      }
      return queueFullSince != 0 && nowMillis - queueFullSince > maxMillis;
    }
    if (queueFullSince == 0) {
      queueFullSince = nowMillis;
    }
    return nowMillis - queueFullSince > maxMillis;
  }

  void close() {
    if (!closed) {
      closed = true;
      response.reset();
    }
  }

  boolean closed() {
    return closed || response.closed();
  }
}
