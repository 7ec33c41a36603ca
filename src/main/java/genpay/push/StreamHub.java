package genpay.push;

import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The streams of one HTTP instance (one event loop), by session id, file id and request id. Fed by the local
 * {@code push.deliver} publish; everything here runs on that one event loop, so plain maps suffice.
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
  private final PushMetrics metrics;
  private long ticks;
  private long opened;

  private StreamHub(Vertx vertx, PushMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /** One local consumer per HTTP instance, and one timer for keep-alives and stalled readers. */
  public static Future<StreamHub> start(Vertx vertx, PushMetrics metrics) {
    StreamHub hub = new StreamHub(vertx, metrics);
    vertx.setPeriodic(TICK_MS, id -> hub.tick(System.currentTimeMillis()));
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(Addresses.PUSH_DELIVER,
        change -> hub.deliver(change.body()));
    MessageConsumer<JsonObject> requests = vertx.eventBus().localConsumer(Addresses.PUSH_REQUEST_DELIVER,
        change -> hub.deliverRequest(change.body()));
    return Future.all(consumer.completion(), requests.completion()).map(hub);
  }

  Stream open(String type, String id, HttpServerRequest request, long lastEventId) {
    HttpServerResponse response = request.response();
    Stream stream = new Stream(type, id, response, lastEventId, (int) (opened++ % KEEP_ALIVE_SLOTS));
    index(type).computeIfAbsent(id, key -> new ArrayList<>()).add(stream);
    metrics.openStreams.incrementAndGet();
    response.closeHandler(closed -> remove(stream));
    return stream;
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
      }
    }
  }

  private void deliver(JsonObject change) {
    long now = System.currentTimeMillis();
    boolean written = fanOut(bySession.get(change.getString("sessionId")), change.getJsonObject("session"), now);
    JsonObject file = change.getJsonObject("file");
    if (file != null) {
      written |= fanOut(byFile.get(file.getString("id")), file, now);
    }
    if (written) {
      metrics.latency.record(Math.max(0, now - change.getLong("committedAt", now)), TimeUnit.MILLISECONDS);
    }
  }

  private Map<String, List<Stream>> index(String type) {
    return switch (type) {
      case SseEvents.SESSION_EVENT -> bySession;
      case SseEvents.REQUEST_EVENT -> byRequest;
      default -> byFile;
    };
  }

  /** A request's change is the request as GET shows it. */
  private void deliverRequest(JsonObject request) {
    fanOut(byRequest.get(request.getString("id")), request, System.currentTimeMillis());
  }

  private boolean fanOut(List<Stream> streams, JsonObject snapshot, long now) {
    if (streams == null || snapshot == null) {
      return false;
    }
    for (Stream stream : List.copyOf(streams)) {
      if (stream.offer(snapshot, now)) {
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
