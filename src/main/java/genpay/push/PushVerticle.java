package genpay.push;

import genpay.config.Addresses;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's one consumer of the cluster-wide {@code status.changed} (and {@code credits.changed.cluster},
 * {@code requests.changed}). However many browsers watch, the cluster sees one registration per node. A change
 * that someone on this node watches is encoded here once, and the same bytes are handed straight to the HTTP
 * instances that hold its streams (no event-bus copy per instance, and the other event loops are not woken).
 */
public final class PushVerticle extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final MeterRegistry registry;
  private final PushMetrics metrics;

  public PushVerticle(MeterRegistry registry, PushMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    var changes = registry.counter("genpay.push.changes");
    var orders = bus.<JsonObject>consumer(Addresses.STATUS_CHANGED, change -> {
      changes.increment();
      orderChanged(change.body());
    }).completion();
    var ledger = bus.<JsonObject>consumer(Addresses.CREDITS_CHANGED_CLUSTER,
        change -> bus.publish(Addresses.ACCOUNT_PUSH_DELIVER, change.body(), LOCAL)).completion();
    var requests = bus.<JsonObject>consumer(Addresses.REQUESTS_CHANGED,
        change -> requestChanged(change.body())).completion();
    return Future.all(orders, ledger, requests);
  }

  /** {@code {sessionId, committedAt, session, file?}} of StatusEvents: the session's event and the file's. */
  private void orderChanged(JsonObject change) {
    JsonObject file = change.getJsonObject("file");
    String sessionId = change.getString("sessionId");
    String fileId = file == null ? null : file.getString("id");
    List<StreamHub> sessionHubs = metrics.directory.hubs(SseEvents.SESSION_EVENT, sessionId);
    List<StreamHub> fileHubs = metrics.directory.hubs(SseEvents.FILE_EVENT, fileId);
    if (sessionHubs.isEmpty() && fileHubs.isEmpty()) {
      return;
    }
    List<SseFrame> frames = new ArrayList<>(2);
    if (!sessionHubs.isEmpty()) {
      JsonObject session = change.getJsonObject("session");
      String prompt = metrics.directory.prompt(sessionId);
      if (prompt != null && !session.containsKey("prompt")) {
        session.put("prompt", prompt); // this node's own copy of the change: the event is the REST answer
      }
      frames.add(SseFrame.of(SseEvents.SESSION_EVENT, sessionId, session, metrics));
    }
    if (!fileHubs.isEmpty()) {
      frames.add(SseFrame.of(SseEvents.FILE_EVENT, fileId, file, metrics));
    }
    PushChange pushed = new PushChange(List.copyOf(frames), change.getLong("committedAt", -1L));
    sessionHubs.forEach(hub -> hub.execute(pushed));
    fileHubs.stream().filter(hub -> !sessionHubs.contains(hub)).forEach(hub -> hub.execute(pushed));
  }

  /** A request's change is the request as GET shows it. */
  private void requestChanged(JsonObject request) {
    String id = request.getString("id");
    List<StreamHub> hubs = metrics.directory.hubs(SseEvents.REQUEST_EVENT, id);
    if (!hubs.isEmpty()) {
      PushChange pushed = new PushChange(List.of(SseFrame.of(SseEvents.REQUEST_EVENT, id, request, metrics)), -1);
      hubs.forEach(hub -> hub.execute(pushed));
    }
  }
}
