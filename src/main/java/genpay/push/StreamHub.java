package genpay.push;

import genpay.config.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The streams of one HTTP instance (one event loop), by session id, file id and request id. The push verticle
 * hands it each change it holds streams of ({@link #execute}); everything here runs on that one event loop, so
 * plain maps suffice.
 */
public final class StreamHub {

  static final long TICK_MS = 1_000;
  static final long STALLED_MS = 10_000;
  /** Every stream gets a keep-alive once per 15 ticks (15 s), a fifteenth of them on each tick. */
  static final int KEEP_ALIVE_SLOTS = 15;

  private final Map<String, List<Stream>> bySession = new HashMap<>();
  private final Map<String, List<Stream>> byFile = new HashMap<>();
  private final Map<String, List<Stream>> byRequest = new HashMap<>();
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final Context context;
  private final PushMetrics metrics;
  private long ticks;
  private long opened;

  private StreamHub(Vertx vertx, Context context, PushMetrics metrics) {
    this.vertx = vertx;
    this.context = context;
    this.metrics = metrics;
  }

  /** On the HTTP instance's event loop, which runs all of this hub; one timer for keep-alives and stalled readers. */
  public static Future<StreamHub> start(Vertx vertx, PushMetrics metrics) {
    StreamHub hub = new StreamHub(vertx, vertx.getOrCreateContext(), metrics);
    vertx.setPeriodic(TICK_MS, id -> hub.tick(System.currentTimeMillis()));
    return Future.succeededFuture(hub);
  }

  /** From the push verticle's loop: delivers the change on this hub's own. */
  void execute(PushChange change) {
    context.runOnContext(v -> deliver(change));
  }

  Stream open(String type, String id, HttpServerRequest request, long lastEventId) {
    HttpServerResponse response = request.response();
    Stream stream = new Stream(type, id, response, lastEventId, (int) (opened++ % KEEP_ALIVE_SLOTS), metrics);
    index(type).computeIfAbsent(id, key -> {
      metrics.directory.add(type, id, this);
      return new ArrayList<>();
    }).add(stream);
    metrics.openStreams.incrementAndGet();
    response.closeHandler(closed -> remove(stream));
    return stream;
  }

  /** A stream's first event, the snapshot as read on connect: encoded for this one stream. */
  SseFrame first(Stream stream, JsonObject snapshot) {
    if (SseEvents.SESSION_EVENT.equals(stream.type)) {
      String prompt = snapshot.getString("prompt");
      stream.prompt(prompt);
      metrics.directory.rememberPrompt(stream.id, prompt);
    }
    return SseFrame.of(stream.type, stream.id, snapshot, metrics);
  }

  /** Runs {@code action} on this hub's event loop after {@code delayMs}. */
  void later(long delayMs, Runnable action) {
    vertx.setTimer(delayMs, id -> action.run());
  }

  void remove(Stream stream) {
    Map<String, List<Stream>> index = index(stream.type);
    List<Stream> streams = index.get(stream.id);
    if (streams != null && streams.remove(stream)) {
      metrics.openStreams.decrementAndGet();
      if (streams.isEmpty()) {
        index.remove(stream.id);
        metrics.directory.remove(stream.type, stream.id, this);
      }
    }
  }

  /** Each event's bytes, as encoded once for this node, go to the streams of its id. */
  private void deliver(PushChange change) {
    long now = System.currentTimeMillis();
    boolean written = false;
    for (SseFrame frame : change.frames()) {
      written |= fanOut(index(frame.type).get(frame.id), frame, now);
    }
    if (written && change.committedAtMillis() >= 0) {
      metrics.latency.record(Math.max(0, now - change.committedAtMillis()), TimeUnit.MILLISECONDS);
    }
  }

  private Map<String, List<Stream>> index(String type) {
    return switch (type) {
      case SseEvents.SESSION_EVENT -> bySession;
      case SseEvents.REQUEST_EVENT -> byRequest;
      default -> byFile;
    };
  }

  private boolean fanOut(List<Stream> streams, SseFrame frame, long now) {
    if (streams == null) {
      return false;
    }
    for (Stream stream : List.copyOf(streams)) {
      if (stream.offer(frame, now)) {
        remove(stream);
      }
    }
    return true;
  }

  /**
   * Keep-alives are spread over the ticks: written to every stream on one tick, 10 000 writes went out in one
   * burst every 15 s and changes arriving meanwhile queued behind it (BENCHMARKS.md, push).
   */
  private void tick(long now) {
    int dueSlot = (int) (ticks++ % KEEP_ALIVE_SLOTS);
    List<Stream> all = new ArrayList<>();
    bySession.values().forEach(all::addAll);
    byFile.values().forEach(all::addAll);
    byRequest.values().forEach(all::addAll);
    for (Stream stream : all) {
      if (stream.closed()) {
        remove(stream);
      } else if (stream.stalled(now, STALLED_MS)) {
        stream.close();
        remove(stream);
        metrics.dropped.increment();
        vertx.eventBus().publish(Addresses.PUSH_DROPPED, new JsonObject().put("type", stream.type)
            .put("id", stream.id), LOCAL);
      } else if (stream.keepAliveSlot == dueSlot) {
        stream.keepAlive();
      }
    }
  }
}
