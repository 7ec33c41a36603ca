package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
                long heapBytesPerStream, long pssBytesPerStream, double cpuSecondsPerChange, String cpuSplit,
                int failedTriggers, int missing) {

    long bytesPerStream() {
      return heapBytesPerStream + pssBytesPerStream;
    }
  }

  private PushRun() {
  }

  /** Streams on pending orders; the change is each order's paid webhook (pending → processing). */
  static Result genpay(Vertx vertx, EngineProcess engine, GenpayClient client, List<String> sessions, int rate,
                       int sources, Path profile) throws Exception {
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
      List<GenpayClient.SignedEvent> events = sessions.stream().map(client::paidEvent).toList();
      engine.awaitQuiet();
      java.time.Instant from = java.time.Instant.now();
      Profile profiling = profile == null ? null : Profile.start(engine, Bench.PROFILER);
      CpuSplit cpu = new CpuSplit(Map.of("engine", List.of(engine.pid()), "its Redis",
          Processes.children(engine.pid())));
      schedule.run(vertx, rate, index -> client.send(events.get(index)), n / rate + 120);
      changed.await(60, TimeUnit.SECONDS);
      String split = cpu.perChange(n) + "; " + engine.gcPauses(from, java.time.Instant.now());
      if (profiling != null) {
        System.out.println(profiling.stop(profile, 25));
      }
      return new Result("genpay", n, commit.summary(), sent.summary(), heapPerStream, pssPerStream,
          cpu.serverSeconds() / n, split, schedule.failures.get(), (int) changed.getCount());
    }
  }

  /**
   * One nchan channel per stream; the change is an HTTP POST to the channel's publisher location. With Redis
   * storage the POST answers once Redis has stored the message (fsync), as genpay's webhook does.
   */
  static Result nchan(Vertx vertx, Nchan nginx, int n, int rate, int sources) throws Exception {
    return nchan(vertx, nginx, "c", n, rate, sources);
  }

  /** {@code prefix} names the channels: a warm-up round uses channels of its own, whose messages stay buffered. */
  static Result nchan(Vertx vertx, Nchan nginx, String prefix, int n, int rate, int sources) throws Exception {
    long pssBefore = nginx.pssBytes();
    Latencies sent = new Latencies(n);
    FixedRate schedule = new FixedRate(n);
    CountDownLatch changed = new CountDownLatch(n);
    WebClient publisher = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(nginx.port)
            .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(64));
    try (SseFleet fleet = new SseFleet(vertx, sources)) {
      fleet.open(nginx.port, IntStream.range(0, n).mapToObj(i -> "/sub/" + prefix + i).toList(),
          (stream, data, nanos, millis) -> {
            sent.record((nanos - schedule.sentNanos.get(stream)) / 1000);
            changed.countDown();
          }, 600);
      long pssPerStream = (nginx.pssBytes() - pssBefore) / n;
      CpuSplit cpu = new CpuSplit(nginx.redisPids().isEmpty() ? Map.of("nginx", nginx.pids())
          : Map.of("nginx", nginx.pids(), "its Redis", nginx.redisPids()));
      schedule.run(vertx, rate, index -> publisher.post("/pub/" + prefix + index)
          .sendBuffer(Buffer.buffer("{\"status\":\"processing\",\"n\":" + index + "}"))
          .map(response -> response.statusCode()), n / rate + 120);
      changed.await(60, TimeUnit.SECONDS);
      String split = cpu.perChange(n);
      return new Result(nginx.name, n, null, sent.summary(), 0, pssPerStream, cpu.serverSeconds() / n, split,
          schedule.failures.get(), (int) changed.getCount());
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

  /** CPU (user + system) used by the server's processes and by this client from now on. */
  static final class CpuSplit {
    private final Map<String, List<Long>> processes = new java.util.LinkedHashMap<>();
    private final Map<String, double[]> before = new java.util.HashMap<>();
    private final java.util.Set<String> clients = new java.util.HashSet<>(List.of("client"));
    private double serverSeconds;

    CpuSplit(Map<String, List<Long>> server) {
      this(server, Map.of());
    }

    /** {@code otherClients}: load processes besides this one; like it, not counted as the server's. */
    CpuSplit(Map<String, List<Long>> server, Map<String, List<Long>> otherClients) {
      processes.putAll(new java.util.TreeMap<>(server));
      processes.put("client", List.of(ProcessHandle.current().pid()));
      processes.putAll(otherClients);
      clients.addAll(otherClients.keySet());
      processes.forEach((name, pids) -> before.put(name, Processes.cpuTimes(pids)));
    }

    String perChange(int changes) {
      StringBuilder text = new StringBuilder("ms CPU per change (user + system): ");
      serverSeconds = 0;
      processes.forEach((name, pids) -> {
        double[] now = Processes.cpuTimes(pids);
        double user = now[0] - before.get(name)[0];
        double system = now[1] - before.get(name)[1];
        if (!clients.contains(name)) {
          serverSeconds += user + system;
        }
        text.append(String.format("%s%s %.3f + %.3f", text.charAt(text.length() - 2) == ':' ? "" : ", ", name,
            user * 1000 / changes, system * 1000 / changes));
      });
      return text.toString();
    }

    double serverSeconds() {
      return serverSeconds;
    }

    /** CPU seconds all the processes (client included) have used so far in this split. */
    double busySeconds() {
      double busy = 0;
      for (Map.Entry<String, List<Long>> process : processes.entrySet()) {
        double[] now = Processes.cpuTimes(process.getValue());
        busy += now[0] + now[1] - before.get(process.getKey())[0] - before.get(process.getKey())[1];
      }
      return busy;
    }
  }

  interface ThrowingLongSupplier {
    long get() throws Exception;
  }
}
