package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * N open SSE streams, one change per stream at a fixed rate, on genpay and on nchan with the same client.
 * Memory per stream is what the server holds after all streams are open, less what it held before.
 */
final class PushRun {

  /**
   * For genpay, {@code pssBytesPerStream} is the growth outside the Java heap (the engine runs with its heap
   * pre-touched, so heap pages are resident before and after) and {@code heapBytesPerStream} the growth of live
   * heap; their sum is what a stream costs. For nchan the PSS of master and workers is all of it.
   */
  record Result(String server, int streams, Latencies.Summary commitToArrival, Latencies.Summary sentToArrival,
                long heapBytesPerStream, long pssBytesPerStream, double cpuSecondsPerChange, int failedTriggers,
                int missing) {

    long bytesPerStream() {
      return heapBytesPerStream + pssBytesPerStream;
    }
  }

  private PushRun() {
  }

  /** Streams on pending orders; the change is each order's paid webhook (pending → processing). */
  static Result genpay(Vertx vertx, EngineProcess engine, GenpayClient client, List<String> sessions, int rate,
                       int sources) throws Exception {
    int n = sessions.size();
    long heapBefore = engine.liveHeapBytes();
    long pssBefore = engine.pssBytes();
    Latencies commit = new Latencies(n);
    Latencies sent = new Latencies(n);
    FixedRate schedule = new FixedRate(n);
    CountDownLatch changed = new CountDownLatch(n);
    AtomicInteger snapshots = new AtomicInteger();
    try (SseFleet fleet = new SseFleet(vertx, sources)) {
      fleet.open(engine.port, sessions.stream().map(id -> "/api/events/session/" + id).toList(),
          (stream, data, nanos, millis) -> {
            JsonObject snapshot = new JsonObject(data);
            String status = snapshot.getString("status");
            if ("pending".equals(status)) {
              snapshots.incrementAndGet();
            } else if ("processing".equals(status)) {
              // "timestamp" is set just before the paid script runs: commit time, rounded up to the script's start
              commit.record((millis - snapshot.getLong("timestamp")) * 1000);
              sent.record((nanos - schedule.sentNanos.get(stream)) / 1000);
              changed.countDown();
            }
          }, 600);
      awaitCount("initial snapshots", () -> snapshots.get(), n, 120);
      awaitCount("streams open at the engine", () -> (long) engine.metric("genpay_sse_open"), n, 60);
      long heapPerStream = (engine.liveHeapBytes() - heapBefore) / n;
      long pssPerStream = (engine.pssBytes() - pssBefore) / n;
      double cpuBefore = Processes.cpuSeconds(List.of(engine.pid()));
      schedule.run(vertx, rate, index -> client.paid(sessions.get(index)), n / rate + 120);
      changed.await(60, TimeUnit.SECONDS);
      double cpu = Processes.cpuSeconds(List.of(engine.pid())) - cpuBefore;
      return new Result("genpay", n, commit.summary(), sent.summary(), heapPerStream, pssPerStream, cpu / n,
          schedule.failures.get(), (int) changed.getCount());
    }
  }

  /** One nchan channel per stream; the change is an HTTP POST to the channel's publisher location. */
  static Result nchan(Vertx vertx, Nchan nginx, int n, int rate, int sources) throws Exception {
    long pssBefore = nginx.pssBytes();
    Latencies sent = new Latencies(n);
    FixedRate schedule = new FixedRate(n);
    CountDownLatch changed = new CountDownLatch(n);
    WebClient publisher = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(nginx.port)
            .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(64));
    try (SseFleet fleet = new SseFleet(vertx, sources)) {
      fleet.open(nginx.port, IntStream.range(0, n).mapToObj(i -> "/sub/c" + i).toList(),
          (stream, data, nanos, millis) -> {
            sent.record((nanos - schedule.sentNanos.get(stream)) / 1000);
            changed.countDown();
          }, 600);
      long pssPerStream = (nginx.pssBytes() - pssBefore) / n;
      double cpuBefore = nginx.cpuSeconds();
      schedule.run(vertx, rate, index -> publisher.post("/pub/c" + index)
          .sendBuffer(Buffer.buffer("{\"status\":\"processing\",\"n\":" + index + "}"))
          .map(response -> response.statusCode()), n / rate + 120);
      changed.await(60, TimeUnit.SECONDS);
      double cpu = nginx.cpuSeconds() - cpuBefore;
      return new Result("nchan", n, null, sent.summary(), 0, pssPerStream, cpu / n, schedule.failures.get(),
          (int) changed.getCount());
    } finally {
      publisher.close();
    }
  }

  /** Bounded wait on the main thread for a count the engine or the client reaches by itself. */
  static void awaitCount(String what, ThrowingLongSupplier count, long wanted, long timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long seen = count.get();
    while (seen < wanted) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": " + seen + " of " + wanted + " after " + timeoutSeconds + " s");
      }
      Thread.sleep(50);
      seen = count.get();
    }
  }

  interface ThrowingLongSupplier {
    long get() throws Exception;
  }
}
