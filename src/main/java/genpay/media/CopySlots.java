package genpay.media;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * How many copies may run at once on a node. Each running copy holds a part-sized buffer between its steps, so
 * the bound is on memory as much as on threads: without it a burst of finished files starts a copy each and
 * their buffers together outgrow the heap. A copy past the bound waits, first come first served.
 */
final class CopySlots {

  private final int size;
  private final Queue<Promise<Void>> waiting = new ArrayDeque<>();
  private int taken;

  CopySlots(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("at least one copy must be able to run");
    }
    this.size = size;
  }

  /** Completes when a slot is this caller's; give it back with {@link #release()}. Never fails. */
  synchronized Future<Void> acquire() {
    if (taken < size) {
      taken++;
      return Future.succeededFuture();
    }
    Promise<Void> turn = Promise.promise();
    waiting.add(turn);
    return turn.future();
  }

  /** Hands the slot to the longest waiting copy, or frees it. */
  void release() {
    Promise<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        if (taken == 0) {
          throw new IllegalStateException("a slot was released that was not taken");
        }
        taken--;
        return;
      }
    }
    // Completed outside the lock: the waiter's copy starts from here.
    next.complete();
  }

  synchronized int running() {
    return taken;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
