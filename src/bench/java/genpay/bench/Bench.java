package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * scripts/bench: push (genpay and nchan), the polling design, webhooks and HTTP requests per order, in one run
 * on loopback. Prints each figure as it comes and writes the report to target/bench-report.md.
 */
public final class Bench {

  /** Unpacked by scripts/bench --profile from Maven Central's tools.profiler:async-profiler. */
  static final Path PROFILER = Path.of("target", "async-profiler", "linux-x64", "libasyncProfiler.so")
      .toAbsolutePath();

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Options options = Options.parse(args);
    Instant started = Instant.now();
    Report report = new Report(options);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    boolean failed = false;
    try {
      System.out.println(report.machine());
      if (options.parts().stream().anyMatch(List.of("push", "polling", "webhooks")::contains)) {
        failed |= !part("engine", report, () -> measureEngine(vertx, options, report));
      }
      for (String peer : List.of("nchan", "nchan-redis")) {
        if (!options.parts().contains(peer)) {
          continue;
        }
        if (!options.nchan()) {
          report.note(peer + " skipped: " + options.nchanSkippedBecause());
        } else if (peer.equals("nchan-redis") && !RedisProcess.installed()) {
          report.note(peer + " skipped: " + RedisProcess.SERVER + " missing (apt-get install redis-server)");
        } else {
          failed |= !part(peer, report, () -> measureNchan(vertx, options, report, peer.equals("nchan-redis")));
        }
      }
      if (options.parts().contains("streams50k")) {
        if (!RedisProcess.installed()) {
          report.note("streams50k skipped: " + RedisProcess.SERVER + " missing (apt-get install redis-server)");
        } else {
          failed |= !part("streams50k (genpay)", report,
              () -> report.held(HeldStreams.genpay(vertx, options, options.held(), options.heldRate())));
        }
        if (options.nchan()) {
          failed |= !part("streams50k (nchan)", report,
              () -> report.held(HeldStreams.nchan(vertx, options, options.held(), options.heldRate())));
        }
      }
      if (options.browserOrders() > 0 && options.parts().contains("orders")) {
        failed |= !part("requests per order", report, () -> measureOrders(vertx, options, report));
      }
    } finally {
      vertx.close().await();
    }
    report.duration(Duration.between(started, Instant.now()));
    Path file = Path.of("target", "bench-report.md");
    Files.writeString(file, report.markdown());
    System.out.println();
    System.out.println(report.markdown());
    System.out.println("written to " + file);
    System.exit(failed ? 1 : 0);
  }

  interface Part {
    void run() throws Exception;
  }

  /** A part that fails is reported and the run goes on to the next; the exit status says so. */
  private static boolean part(String name, Report report, Part part) {
    try {
      part.run();
      return true;
    } catch (Exception failure) {
      failure.printStackTrace();
      report.note("**" + name + " failed**: " + failure.getMessage());
      return false;
    }
  }

  /** One engine (worker off, so only the measured traffic loads it) for push, polling and webhooks. */
  private static void measureEngine(Vertx vertx, Options options, Report report) throws Exception {
    try (EngineProcess engine = EngineProcess.start(options.jar(), options.engineHeap(), true, options.engineJvm(),
        freePort(), Map.of("SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false"))) {
      GenpayClient stripe = new GenpayClient(vertx, engine.port, 128);
      // A running engine is warm: a small push round first, so the JIT's first minutes are not measured.
      List<String> warmOrders = timed("warm-up orders", () -> stripe.createOrders(options.warmUp()));
      PushRun.Result warm = PushRun.genpay(vertx, engine, stripe, warmOrders, options.rate(), 1, null);
      System.out.println("  warm-up push (not reported): " + warm.commitToArrival().line());
      timed("warm-up replays", () -> replay(vertx, engine, stripe, warmOrders));
      if (options.parts().contains("push")) {
        List<String> pushOrders = timed("orders for the push run", () -> stripe.createOrders(options.streams()));
        PushRun.Result push = PushRun.genpay(vertx, engine, stripe, pushOrders, options.rate(), options.sources(),
            options.profile() ? Path.of("target", "bench-push.collapsed").toAbsolutePath() : null);
        report.push(push);
        System.out.println("  push (genpay): " + push.commitToArrival().line() + "; heap/stream "
            + push.heapBytesPerStream() + " B, off-heap PSS/stream " + push.pssBytesPerStream() + " B; "
            + push.cpuSplit());
      }
      for (long interval : options.parts().contains("polling") ? options.pollIntervalsMs() : new long[0]) {
        GenpayClient watchers = new GenpayClient(vertx, engine.port, 256);
        List<String> pollOrders = timed("orders for polling every " + interval + " ms",
            () -> stripe.createOrders(options.streams()));
        PollingRun.Result polling = PollingRun.run(vertx, engine, watchers, stripe, pollOrders, options.rate(),
            interval);
        watchers.close();
        report.polling(polling);
        System.out.printf("  polling every %d ms: %.0f watcher requests/s, %.0f server requests/s, %s%n", interval,
            polling.watcherRequestsPerSecond(), polling.serverRequestsPerSecond(), polling.commitToSeen().line());
      }
      if (options.parts().contains("webhooks")) {
        report.webhooks(WebhookRun.rising(vertx, engine, stripe, options.webhooksPerLevel(),
            options.webhookConcurrency(), options.profile() ? Path.of("target").toAbsolutePath() : null));
      }
      stripe.close();
    }
  }

  /** Replays per warm-up round, and at most this many rounds. */
  static final int WARM_UP_REPLAYS = 4_000;
  static final int WARM_UP_ROUNDS = 8;

  /**
   * The JIT compiles a method fully after some 10 000 calls, and on 2 busy cores its queue lags: the 500 changes
   * of the quick warm-up left most of the change path at a low tier, recompiled during the measured changes (three
   * quarters of the engine's CPU in them went to the compiler). Replays of the warm-up orders' paid webhooks,
   * their streams open, run the change path (signature, the paid script answering "duplicate", status.changed,
   * the push's encoding and fan-out) without the cost of new orders, in rounds until a round compiles little.
   */
  private static Void replay(Vertx vertx, EngineProcess engine, GenpayClient client, List<String> orders)
      throws Exception {
    try (SseFleet fleet = new SseFleet(vertx, 1)) {
      fleet.open(engine.port, orders.stream().map(id -> "/api/events/session/" + id).toList(),
          (stream, data, nanos, millis) -> { }, 600);
      long compiled = engine.compilations();
      for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
        List<GenpayClient.SignedEvent> events = new java.util.ArrayList<>(WARM_UP_REPLAYS);
        for (int i = 0; i < WARM_UP_REPLAYS; i++) {
          events.add(client.paidEvent(orders.get(i % orders.size())));
        }
        new FixedRate(WARM_UP_REPLAYS).run(vertx, 1_000, index -> client.send(events.get(index)), 180);
        engine.awaitQuiet();
        long now = engine.compilations();
        System.out.printf("    warm-up round %d: %d methods compiled%n", round, now - compiled);
        if (now - compiled < 100) {
          break;
        }
        compiled = now;
      }
    }
    return null;
  }

  private static void measureNchan(Vertx vertx, Options options, Report report, boolean redis) throws Exception {
    try (Nchan nchan = Nchan.start(freePort(), Runtime.getRuntime().availableProcessors(), options.streams() + 1000,
        redis)) {
      // Warm as the engine is: the same client code and nginx's paths run a round first, on channels of their own.
      PushRun.Result warm = PushRun.nchan(vertx, nchan, "w", options.warmUp(), options.rate(), 1);
      System.out.println("  warm-up push (" + nchan.name + ", not reported): " + warm.sentToArrival().line());
      PushRun.Result push = PushRun.nchan(vertx, nchan, options.streams(), options.rate(), options.sources());
      report.push(push);
      System.out.println("  push (" + nchan.name + "): " + push.sentToArrival().line() + "; PSS/stream "
          + push.pssBytesPerStream() + " B; " + push.cpuSplit());
    }
  }

  /** A second engine as people run it: both sandboxes and the worker on, generations shortened to seconds. */
  private static void measureOrders(Vertx vertx, Options options, Report report) throws Exception {
    try (EngineProcess engine = EngineProcess.start(options.jar(), "512m", false, options.engineJvm(), freePort(),
        Map.of(
        "SANDBOX_GENERATION_SECONDS", "3", "FOLLOW_FIRST_DELAY_MS", "300", "FOLLOW_MAX_DELAY_MS", "600"))) {
      RequestsPerOrder.Result orders = RequestsPerOrder.run(vertx, engine, options.browserOrders(), 2);
      report.orders(orders);
      System.out.printf("  requests per order: %.1f browser API, %.1f in all%n", orders.browserApiPerOrder(),
          orders.allPerOrder());
    }
  }

  interface Step<T> {
    T run() throws Exception;
  }

  private static <T> T timed(String what, Step<T> step) throws Exception {
    long start = System.nanoTime();
    T result = step.run();
    System.out.printf("  %s: %.1f s%n", what, (System.nanoTime() - start) / 1e9);
    return result;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The run's shape: the full run by default, a smoke run with --quick. */
  record Options(boolean quick, int streams, int warmUp, int rate, int sources, long[] pollIntervalsMs,
                 int webhooksPerLevel,
                 int[] webhookConcurrency, int browserOrders, boolean nchan, String nchanSkippedBecause,
                 String engineHeap, List<String> engineJvm, List<String> parts, boolean profile, Path jar,
                 int held, int heldRate) {

    static Options parse(String[] args) {
      boolean quick = List.of(args).contains("--quick");
      int streams = quick ? 1000 : 10_000;
      int rate = quick ? 500 : 1000;
      int browserOrders = quick ? 1 : 3;
      // A quick level still lasts about a second: at 600 events a level at 4000/s was 0.15 s, mostly the closed
      // loop's ramp up and down, and read as a far lower rate than the same engine sustains.
      int perLevel = quick ? 3000 : 4000;
      String heap = "2g";
      List<String> jvm = List.of();
      int held = 50_000;
      // Orders changed per second in streams50k, each reaching 5 streams: three JVMs on 2 cores spend about
      // 2-3 ms of CPU per clustered change, so 1000/s would measure a saturated machine, not the push.
      int heldRate = 250;
      // 50 000 streams take minutes of opening and 50 s of changes: the full run only, or when asked for.
      List<String> parts = quick ? List.of("push", "nchan", "nchan-redis", "polling", "webhooks", "orders")
          : List.of("push", "nchan", "nchan-redis", "polling", "webhooks", "orders", "streams50k");
      boolean nchan = true;
      String why = "";
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick", "--profile" -> { }
          case "--streams" -> streams = Integer.parseInt(args[++i]);
          case "--held" -> held = Integer.parseInt(args[++i]);
          case "--held-rate" -> heldRate = Integer.parseInt(args[++i]);
          case "--rate" -> rate = Integer.parseInt(args[++i]);
          case "--orders" -> browserOrders = Integer.parseInt(args[++i]);
          case "--webhooks-per-level" -> perLevel = Integer.parseInt(args[++i]);
          case "--engine-heap" -> heap = args[++i];
          case "--parts" -> parts = List.of(args[++i].split(","));
          case "--engine-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
          case "--no-nchan" -> {
            nchan = false;
            why = "--no-nchan";
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i] + " (scripts/bench --help)");
        }
      }
      if (nchan && !Nchan.installed()) {
        nchan = false;
        why = Nchan.NGINX + " or " + Nchan.MODULE + " missing (apt-get install nginx libnginx-mod-nchan)";
      }
      // 28 232 ephemeral ports per source address; a quarter spare.
      int sources = Math.max(1, (int) Math.ceil(streams / 20_000.0));
      int[] concurrency = quick ? new int[] {8, 32, 128} : new int[] {8, 16, 32, 64, 128, 256};
      return new Options(quick, streams, quick ? 500 : 5000, rate, sources, new long[] {2000, 5000}, perLevel,
          concurrency, browserOrders, nchan, why, heap, jvm, parts, List.of(args).contains("--profile"),
          Path.of("target", "genpay.jar"), held, heldRate);
    }
  }
}
