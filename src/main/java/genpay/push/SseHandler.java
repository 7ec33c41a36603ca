package genpay.push;

import genpay.config.Addresses;
import genpay.requests.RequestIds;
import genpay.web.InvalidInput;
import genpay.web.Problems;
import genpay.web.SessionIds;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.ThreadLocalRandom;

/**
 * GET /api/events/session/{id} and /api/events/file/{id}: the snapshot at once, then one event per change,
 * until the terminal one. The stream is registered before the snapshot is read, so no change falls between.
 * While the store is unavailable the stream is answered 200 and held, and the snapshot read again until it
 * comes: an EventSource gives up for good on a 503, a held stream resumes by itself.
 */
public final class SseHandler implements Handler<RoutingContext> {

  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);
  static final long FIRST_RETRY_MS = 250;
  static final long MAX_RETRY_MS = 4_000;

  private final String type;
  private final EventBus bus;
  private final StreamHub hub;

  private SseHandler(String type, EventBus bus, StreamHub hub) {
    this.type = type;
    this.bus = bus;
    this.hub = hub;
  }

  public static SseHandler sessions(EventBus bus, StreamHub hub) {
    return new SseHandler(SseEvents.SESSION_EVENT, bus, hub);
  }

  public static SseHandler files(EventBus bus, StreamHub hub) {
    return new SseHandler(SseEvents.FILE_EVENT, bus, hub);
  }

  /** GET /api/events/generation-request/{id}: event {@code request}, the request as GET shows it. */
  public static SseHandler requests(EventBus bus, StreamHub hub) {
    return new SseHandler(SseEvents.REQUEST_EVENT, bus, hub);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id;
    try {
      id = request() ? RequestIds.require(ctx.pathParam("id"))
          : session() ? SessionIds.requireSessionId(ctx.pathParam("id")) : SessionIds.requireFileId(ctx.pathParam("id"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    long lastEventId = SseEvents.lastEventId(ctx.request().getHeader("Last-Event-ID"));
    Stream stream = hub.open(type, id, ctx.request(), lastEventId);
    read(ctx, stream, lastEventId, 0);
  }

  private boolean session() {
    return SseEvents.SESSION_EVENT.equals(type);
  }

  private boolean request() {
    return SseEvents.REQUEST_EVENT.equals(type);
  }

  private String readAddress() {
    return request() ? Addresses.REQUESTS_GET : session() ? Addresses.SESSIONS_GET : Addresses.SESSIONS_FILE_GET;
  }

  private String idField() {
    return request() ? "id" : session() ? "sessionId" : "fileId";
  }

  private void read(RoutingContext ctx, Stream stream, long lastEventId, int attempt) {
    bus.<JsonObject>request(readAddress(), new JsonObject().put(idField(), stream.id), QUICK)
        .onComplete(read -> {
          if (stream.closed()) {
            hub.remove(stream);
          } else if (read.succeeded()) {
            start(stream, read.result().body(), lastEventId);
          } else {
            failed(ctx, stream, read, lastEventId, attempt);
          }
        });
  }

  private void start(Stream stream, JsonObject snapshot, long lastEventId) {
    snapshot.remove("worker");
    if (SseEvents.nothingNewer(type, snapshot, lastEventId)) {
      hub.remove(stream);
      stream.endWithNothingNewer();
      return;
    }
    stream.announce();
    if (stream.begin(hub.first(stream, snapshot), System.currentTimeMillis())) {
      hub.remove(stream);
    } else if (session() && "pending".equals(snapshot.getString("status"))) {
      // Someone watches an unpaid order: its webhook may be late or lost, so ask Stripe.
      bus.request(Addresses.STRIPE_SYNC, new JsonObject().put("sessionId", stream.id));
    } else if (request() && "awaiting_payment".equals(snapshot.getString("status"))) {
      // The same for a request: the buyer is back from Checkout and its webhook may be late.
      bus.request(Addresses.REQUESTS_SYNC, new JsonObject().put("id", stream.id));
    }
  }

  private void failed(RoutingContext ctx, Stream stream, AsyncResult<Message<JsonObject>> read, long lastEventId,
      int attempt) {
    JsonObject problem = Problems.fromFailure(read.cause());
    if (problem.getInteger("status") != 503) {
      // The store answered (unknown id): said as a problem, or, once the stream was held, by its reconnect.
      hub.remove(stream);
      if (stream.announced()) {
        stream.end();
      } else {
        Problems.send(ctx, problem);
      }
      return;
    }
    // Well-formed, and whether it exists cannot be known until the store is back: hold the stream meanwhile.
    stream.announce();
    hub.later(retryDelayMs(attempt), () -> {
      if (stream.closed()) {
        hub.remove(stream);
      } else {
        read(ctx, stream, lastEventId, attempt + 1);
      }
    });
  }

  /** Doubling from a quarter second to a few seconds, with jitter: held streams do not all ask at once. */
  static long retryDelayMs(int attempt) {
    long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt, 8));
    return delay + ThreadLocalRandom.current().nextLong(delay / 4 + 1);
  }
}
