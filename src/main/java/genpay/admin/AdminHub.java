package genpay.admin;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * The admin streams of one HTTP instance (one event loop). The admin verticle hands it each change, encoded once
 * for the node ({@link #execute}); everything else here runs on the instance's loop, so a plain list suffices.
 */
final class AdminHub {

  static final long TICK_MS = 1_000;
  static final long STALLED_MS = 10_000;
  static final int KEEP_ALIVE_SLOTS = 15;

  private final Context context;
  private final AdminHubs hubs;
  private final List<AdminStream> streams = new ArrayList<>();
  private long ticks;
  private long opened;

  AdminHub(Vertx vertx, AdminHubs hubs) {
    this.context = vertx.getOrCreateContext();
    this.hubs = hubs;
    vertx.setPeriodic(TICK_MS, id -> tick(System.currentTimeMillis()));
    hubs.add(this);
  }

  void open(HttpServerResponse response) {
    AdminStream stream = new AdminStream(response, (int) (opened++ % KEEP_ALIVE_SLOTS));
    streams.add(stream);
    hubs.watching.incrementAndGet();
    response.closeHandler(closed -> remove(stream));
  }

  /** From the admin verticle's loop: delivered on this hub's own. */
  void execute(AdminFrame frame) {
    context.runOnContext(v -> {
      long now = System.currentTimeMillis();
      for (AdminStream stream : List.copyOf(streams)) {
        if (stream.closed()) {
          remove(stream);
        } else {
          stream.offer(frame, now);
        }
      }
    });
  }

  boolean idle() {
    return streams.isEmpty();
  }

  private void remove(AdminStream stream) {
    if (streams.remove(stream)) {
      hubs.watching.decrementAndGet();
    }
  }

  private void tick(long now) {
    int dueSlot = (int) (ticks++ % KEEP_ALIVE_SLOTS);
    for (AdminStream stream : List.copyOf(streams)) {
      if (stream.closed()) {
        remove(stream);
      } else if (stream.stalled(now, STALLED_MS)) {
        stream.close();
        remove(stream);
      } else if (stream.keepAliveSlot == dueSlot) {
        stream.keepAlive();
      }
    }
  }
}
