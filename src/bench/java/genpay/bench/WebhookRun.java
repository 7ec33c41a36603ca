package genpay.bench;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed checkout.session.completed events for distinct pending orders, each sender sending its next event
 * when the last was answered (a closed loop), at rising concurrency until two levels in a row add less than 5 %.
 */
final class WebhookRun {

  record Level(int concurrency, int events, double appliedPerSecond, Latencies.Summary latency, int errors,
               String cpuSplit) {
  }

  private WebhookRun() {
  }

  /** With {@code profiles} set, each level is profiled into a file of that directory. */
  static List<Level> rising(Vertx vertx, EngineProcess engine, GenpayClient client, int perLevel,
                            int[] concurrencies, java.nio.file.Path profiles) throws Exception {
    List<Level> levels = new ArrayList<>();
    double best = 0;
    int flat = 0;
    for (int concurrency : concurrencies) {
      List<String> orders = client.createOrders(perLevel);
      Profile profiling = profiles == null ? null : Profile.start(engine, Bench.PROFILER);
      Level level = level(vertx, engine, client, orders, concurrency);
      if (profiling != null) {
        System.out.println(profiling.stop(profiles.resolve("bench-webhooks-" + concurrency + ".collapsed"), 20));
      }
      levels.add(level);
      System.out.printf("  webhooks at concurrency %d: %.0f applied/s, %s, errors %d; %s%n", concurrency,
          level.appliedPerSecond, level.latency.line(), level.errors, level.cpuSplit);
      flat = level.appliedPerSecond < best * 1.05 ? flat + 1 : 0;
      if (flat == 2) {
        break; // two levels in a row without 5 % more: the rate has stopped rising
      }
      best = Math.max(best, level.appliedPerSecond);
    }
    return levels;
  }

  private static Level level(Vertx vertx, EngineProcess engine, GenpayClient client, List<String> sessions,
                             int concurrency) throws Exception {
    List<GenpayClient.SignedEvent> events = sessions.stream().map(client::paidEvent).toList();
    Latencies latency = new Latencies(sessions.size());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(concurrency);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    PushRun.CpuSplit cpu = new PushRun.CpuSplit(java.util.Map.of("engine", List.of(engine.pid()), "its Redis",
        Processes.children(engine.pid())));
    long started = System.nanoTime();
    for (int sender = 0; sender < concurrency; sender++) {
      vertx.runOnContext(v -> sendNext(client, events, latency, next, errors, running, deadline, done));
    }
    done.get(3, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    int sent = Math.min(next.get(), sessions.size());
    String split = String.format("%.2f cores busy; ", (cpu.busySeconds()) / seconds) + cpu.perChange(sent);
    return new Level(concurrency, sent, (sent - errors.get()) / seconds, latency.summary(), errors.get(), split);
  }

  private static void sendNext(GenpayClient client, List<GenpayClient.SignedEvent> events, Latencies latency,
                               AtomicInteger next,
                               AtomicInteger errors, AtomicInteger running, long deadline,
                               CompletableFuture<Void> done) {
    int index = next.getAndIncrement();
    if (index >= events.size() || System.nanoTime() > deadline) {
      if (running.decrementAndGet() == 0) {
        done.complete(null);
      }
      return;
    }
    long start = System.nanoTime();
    client.send(events.get(index)).onComplete(answer -> {
      latency.record((System.nanoTime() - start) / 1000);
      if (answer.failed() || answer.result() != 200) {
        errors.incrementAndGet();
      }
      sendNext(client, events, latency, next, errors, running, deadline, done);
    });
  }
}
