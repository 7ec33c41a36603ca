package genpay.push;

import genpay.config.Addresses;
import genpay.web.InvalidInput;
import genpay.web.Problems;
import genpay.web.SessionIds;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /api/events/session/{id} and /api/events/file/{id}: the snapshot at once, then one event per change,
 * until the terminal one. The stream is registered before the snapshot is read, so no change falls between.
 */
public final class SseHandler implements Handler<RoutingContext> {

  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;

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

  @Override
  public void handle(RoutingContext ctx) {
    boolean session = SseEvents.SESSION_EVENT.equals(type);
    String id;
    try {
      id = session ? SessionIds.requireSessionId(ctx.pathParam("id")) : SessionIds.requireFileId(ctx.pathParam("id"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    long lastEventId = SseEvents.lastEventId(ctx.request().getHeader("Last-Event-ID"));
    HttpServerResponse response = ctx.response();
    Stream stream = hub.open(type, id, ctx.request(), lastEventId);
    bus.<JsonObject>request(session ? Addresses.SESSIONS_GET : Addresses.SESSIONS_FILE_GET,
            new JsonObject().put(session ? "sessionId" : "fileId", id), QUICK)
        .onSuccess(reply -> {
          JsonObject snapshot = reply.body();
          snapshot.remove("worker");
          response.setChunked(true)
              .setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
              .putHeader("Content-Type", "text/event-stream; charset=utf-8")
              .putHeader("Cache-Control", "no-cache")
              .putHeader("X-Accel-Buffering", "no")
              .putHeader("Connection", "keep-alive")
              .write(SseEvents.retry());
          if (stream.begin(snapshot, System.currentTimeMillis())) {
            hub.remove(stream);
          } else if (session && "pending".equals(snapshot.getString("status"))) {
            // Someone watches an unpaid order: its webhook may be late or lost, so ask Stripe.
            bus.request(Addresses.STRIPE_SYNC, new JsonObject().put("sessionId", id));
          }
        })
        .onFailure(failure -> {
          hub.remove(stream);
          Problems.send(ctx, Problems.fromFailure(failure));
        });
  }
}
