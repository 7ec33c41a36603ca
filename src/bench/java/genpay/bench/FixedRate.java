package genpay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Fires {@code count} actions at a fixed rate, on a 5 ms tick, whatever the answers take (an open loop: a slow
 * server does not slow the schedule, so its delay shows in the latencies). Remembers when each one was sent.
 */
final class FixedRate {

  private static final long TICK_MS = 5;

  final AtomicLongArray sentNanos;
  final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  private final int count;

  FixedRate(int count) {
    this.count = count;
    sentNanos = new AtomicLongArray(count);
  }

  /** Returns once every action has answered; blocks the calling (main) thread at most {@code timeoutSeconds}. */
  void run(Vertx vertx, int perSecond, IntFunction<Future<Integer>> action, long timeoutSeconds) throws Exception {
    FixedRate schedule = this;
    CompletableFuture<Void> done = new CompletableFuture<>();
    long started = System.nanoTime();
    int[] sent = {0};
    vertx.setPeriodic(1, TICK_MS, timer -> {
      long due = Math.min(count, (System.nanoTime() - started) * perSecond / 1_000_000_000L + 1);
      while (sent[0] < due) {
        int index = sent[0]++;
        schedule.sentNanos.set(index, System.nanoTime());
        action.apply(index).onComplete(result -> {
          if (result.failed() || result.result() / 100 != 2) {
            schedule.failures.incrementAndGet();
          }
          if (schedule.answered.incrementAndGet() == count) {
            done.complete(null);
          }
        });
      }
      if (sent[0] == count) {
        vertx.cancelTimer(timer);
      }
    });
    done.get(timeoutSeconds, TimeUnit.SECONDS);
  }
}
