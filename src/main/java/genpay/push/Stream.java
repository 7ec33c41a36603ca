package genpay.push;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One browser's server-sent event stream. Sends only snapshots newer than the last it sent and ends itself
 * after a terminal one. While the reader's write queue is full nothing more is buffered: only the newest
 * snapshot is kept, and sent when the queue drains. A reader stuck that way too long is closed.
 */
final class Stream {

  private static final int WRITE_QUEUE_BYTES = 64 * 1024;
  /** Never changed, so every stream is written the same one. */
  private static final Buffer KEEP_ALIVE = Buffer.buffer(SseEvents.keepAlive());

  final String type;
  final String id;
  /** Which of the hub's keep-alive ticks this stream's comment goes out on. */
  final int keepAliveSlot;
  private final HttpServerResponse response;
  private final PushMetrics metrics;
  /** A session stream's prompt, from its first snapshot, for a change encoded before the node knew it. */
  private String prompt;
  private long lastVersion;
  private SseFrame waiting;
  private long queueFullSince;
  private boolean announced;
  private boolean started;
  private boolean closed;

  Stream(String type, String id, HttpServerResponse response, long lastEventId, int keepAliveSlot,
         PushMetrics metrics) {
    this.type = type;
    this.id = id;
    this.keepAliveSlot = keepAliveSlot;
    this.response = response;
    this.metrics = metrics;
    this.lastVersion = lastEventId;
    response.drainHandler(drained -> {
      queueFullSince = 0;
      SseFrame next = waiting;
      waiting = null;
      if (next != null) {
        offer(next, System.currentTimeMillis());
      }
    });
  }

  /**
   * Sends the 200 headers and {@code retry:} if not sent yet. From then on the reader's EventSource is open:
   * ending the stream makes it reconnect, where any answer but 200 would have made it give up for good.
   */
  void announce() {
    if (announced || closed()) {
      return;
    }
    announced = true;
    response.setChunked(true)
        .setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("Connection", "keep-alive")
        .write(SseEvents.retry());
  }

  boolean announced() {
    return announced;
  }

  /**
   * The reader has everything there will ever be: 204 if nothing was sent yet (EventSource stops reconnecting),
   * else the end of the stream (its reconnect gets the 204).
   */
  void endWithNothingNewer() {
    if (closed()) {
      return;
    }
    closed = true;
    if (announced) {
      response.end();
    } else {
      response.setStatusCode(204).end();
    }
  }

  /** Ends an announced stream without a word: its reader's reconnect gets the answer this stream could not give. */
  void end() {
    if (!closed()) {
      closed = true;
      response.end();
    }
  }

  /**
   * The headers are out and the snapshot is {@code first}: send it, or a change that came in meanwhile if
   * that is newer. True once the stream has ended.
   */
  boolean begin(SseFrame first, long nowMillis) {
    started = true;
    SseFrame meanwhile = waiting;
    waiting = null;
    boolean ended = offer(first, nowMillis);
    return meanwhile == null || ended ? ended : offer(meanwhile, nowMillis);
  }

  /**
   * Sends the event if it is newer than what this reader has; true once the stream has ended. The frame's bytes
   * are shared with every other stream of this change and are written as they are.
   */
  boolean offer(SseFrame frame, long nowMillis) {
    if (closed()) {
      return true;
    }
    long version = frame.version;
    if (!started) {
      // Only the snapshot read on connect decides how a stream begins: a change the reader already has, come
      // before it, ending the stream here would answer 200 with nothing where a finished one owes a 204.
      if (version > lastVersion) {
        keepNewest(frame);
      }
      return false;
    }
    if (version > lastVersion) {
      if (frame.lacksPrompt() && prompt != null) {
        frame = frame.withPrompt(prompt, metrics);
      }
      if (response.writeQueueFull()) {
        keepNewest(frame);
        markFull(nowMillis);
        return false;
      }
      lastVersion = version;
      response.write(frame.bytes());
    }
    if (frame.terminal) {
      closed = true;
      response.end();
    }
    return closed;
  }

  /** Only the newest snapshot waits: it holds everything the older ones said. */
  private void keepNewest(SseFrame frame) {
    if (waiting == null || waiting.version < frame.version) {
      waiting = frame;
    }
  }

  void prompt(String prompt) {
    this.prompt = prompt;
  }

  void keepAlive() {
    if (announced && !closed() && !response.writeQueueFull()) {
      response.write(KEEP_ALIVE);
    }
  }

  /** True once the write queue has stayed full for longer than {@code maxMillis}: the reader is gone or stuck. */
  boolean stalled(long nowMillis, long maxMillis) {
    if (!response.writeQueueFull()) {
      queueFullSince = 0;
      return false;
    }
    markFull(nowMillis);
    return nowMillis - queueFullSince > maxMillis;
  }

  /** Resets the stream (on HTTP/1.1, closes its connection): a stuck reader must not hold buffers. */
  void close() {
    if (!closed) {
      closed = true;
      response.reset();
    }
  }

  boolean closed() {
    return closed || response.closed();
  }

  private void markFull(long nowMillis) {
    if (queueFullSince == 0) {
      queueFullSince = nowMillis;
    }
  }
}
