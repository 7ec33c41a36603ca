package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The design genpay replaces: each watcher asks GET /api/webhook-status/{id} every interval (2 s on the
 * success page, then 5 s) until the order has moved. Same orders, same change, same rate as the push run, so
 * the requests it costs and the delay before a change is seen can be set beside genpay's.
 */
final class PollingRun {

  record Result(long intervalMs, int watchers, double watcherRequestsPerSecond, double serverRequestsPerSecond,
                Latencies.Summary commitToSeen, double cpuSecondsPerChange, String cpuSplit, int errors,
                int missing) {
  }

  private PollingRun() {
  }

  static Result run(Vertx vertx, EngineProcess engine, GenpayClient watchers, GenpayClient stripe,
                    List<String> sessions, int rate, long intervalMs) throws Exception {
    int n = sessions.size();
    Latencies delay = new Latencies(n);
    AtomicIntegerArray seen = new AtomicIntegerArray(n);
    AtomicLong requests = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch changed = new CountDownLatch(n);
    long stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs * 3) + TimeUnit.SECONDS.toNanos(
        n / rate + 120);
    Random phases = new Random(20261122);
    for (int i = 0; i < n; i++) {
      int watcher = i;
      // Watchers opened their pages at moments unrelated to their payments: a random phase within one interval.
      vertx.setTimer(1 + phases.nextLong(intervalMs), first -> poll(vertx, watchers, sessions.get(watcher), watcher,
          intervalMs, stopAt, seen, requests, errors, delay, changed));
    }
    List<GenpayClient.SignedEvent> events = sessions.stream().map(stripe::paidEvent).toList();
    Thread.sleep(intervalMs); // let every watcher settle into its cadence before the first change
    double serverBefore = engine.metric("vertx_http_server_requests_total");
    PushRun.CpuSplit cpu = new PushRun.CpuSplit(java.util.Map.of("engine", List.of(engine.pid()), "its Redis",
        Processes.children(engine.pid())));
    long requestsBefore = requests.get();
    long started = System.nanoTime();
    FixedRate schedule = new FixedRate(n);
    schedule.run(vertx, rate, index -> stripe.send(events.get(index)), n / rate + 120);
    changed.await(intervalMs * 3 + 120_000, TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - started) / 1e9;
    String split = cpu.perChange(n);
    double serverRequests = engine.metric("vertx_http_server_requests_total") - serverBefore;
    return new Result(intervalMs, n, (requests.get() - requestsBefore) / seconds, serverRequests / seconds,
        delay.summary(), cpu.serverSeconds() / n, split, (int) errors.get() + schedule.failures.get(),
        (int) changed.getCount());
  }

  /** Like the page's setInterval: the next request is due one interval after this one, answered or not. */
  private static void poll(Vertx vertx, GenpayClient client, String sessionId, int watcher, long intervalMs,
                           long stopAt, AtomicIntegerArray seen, AtomicLong requests, AtomicLong errors,
                           Latencies delay, CountDownLatch changed) {
    if (seen.get(watcher) == 1 || System.nanoTime() > stopAt) {
      return;
    }
    vertx.setTimer(intervalMs, next -> poll(vertx, client, sessionId, watcher, intervalMs, stopAt, seen, requests,
        errors, delay, changed));
    client.http.get("/api/webhook-status/" + sessionId).send().onComplete(answer -> {
      requests.incrementAndGet();
      if (answer.failed() || answer.result().statusCode() != 200) {
        errors.incrementAndGet();
        return;
      }
      JsonObject snapshot = answer.result().bodyAsJsonObject();
      if (!"pending".equals(snapshot.getString("status")) && seen.compareAndSet(watcher, 0, 1)) {
        delay.record((System.currentTimeMillis() - snapshot.getLong("timestamp")) * 1000);
        changed.countDown();
      }
    });
  }
}
