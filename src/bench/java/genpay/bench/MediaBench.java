package genpay.bench;

import genpay.Engine;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies into the object store on this machine: an engine in this process (embedded Redis and S3Proxy, the
 * provider sandbox's generated files, loopback only), one order of CONCURRENCY videos of SIZE_MB each per round.
 * Prints, per round, the copy throughput (MB/s from payment to the order completed, generation taking 0 s; each
 * copy streams, uploads and reads its object back to check it) and the heap each concurrent copy held (the peak of
 * the heap measured after a full GC, above the idle engine's, divided by CONCURRENCY).
 * Run by scripts/bench-media: java -cp target/genpay.jar src/bench/java/genpay/bench/MediaBench.java SIZE_MB C...
 */
public class MediaBench {

  private static final long MIB = 1024 * 1024;

  public static void main(String[] args) throws Exception {
    int sizeMb = Integer.parseInt(args[0]);
    int port = Integer.parseInt(System.getenv().getOrDefault("BENCH_PORT", "18185"));
    Map<String, String> env = Map.of("PORT", String.valueOf(port), "DATA_DIR",
        Files.createTempDirectory("genpay-bench-media-").toString(), "SANDBOX_GENERATION_SECONDS", "0",
        "FOLLOW_FIRST_DELAY_MS", "10", "FOLLOW_MAX_DELAY_MS", "50", "CHECKOUT_RATE_PER_MINUTE", "0",
        "REDIS_APPENDFSYNC", "everysec");
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (Engine engine = Engine.start(Settings.from(new JsonObject(), env))) {
      System.out.printf(Locale.ROOT, "machine: %d cores; part size %d MiB; files of %d MiB%n",
          Runtime.getRuntime().availableProcessors(), engine.settings().storage().partSizeMb(), sizeMb);
      // A first round warms the JIT, the SDK and the store.
      round(http, base, sizeMb, 1, memory);
      for (int i = 1; i < args.length; i++) {
        int concurrency = Integer.parseInt(args[i]);
        double[] figures = round(http, base, sizeMb, concurrency, memory);
        System.out.printf(Locale.ROOT,
            "concurrency=%d files=%d total_mib=%d seconds=%.2f throughput_mb_s=%.1f heap_per_copy_mib=%.1f%n",
            concurrency, concurrency, concurrency * sizeMb, figures[0], concurrency * sizeMb * MIB / 1e6 / figures[0],
            figures[1] / MIB / concurrency);
      }
    }
    System.exit(0);
  }

  /** One order of {@code concurrency} videos: seconds from payment to completed, and the heap it held. */
  private static double[] round(HttpClient http, String base, int sizeMb, int concurrency, MemoryMXBean memory)
      throws Exception {
    String created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/create-checkout"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("quantity", concurrency)
            .put("prompt", "bench [sandbox:mb:" + sizeMb + "] " + System.nanoTime()).encode())).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String sessionId = new JsonObject(created).getString("sessionId");
    System.gc();
    long idle = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(idle);
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    long paidAt = System.nanoTime();
    http.send(HttpRequest.newBuilder(URI.create(base + "/sandbox/stripe/pay/" + sessionId + "/complete"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("outcome=paid")).build(), HttpResponse.BodyHandlers.discarding());
    sampler.start();
    String status = "";
    // A bench client may poll; bounded to ten minutes.
    for (int i = 0; i < 12_000 && !status.equals("completed"); i++) {
      status = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/api/webhook-status/" + sessionId))
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("status");
      if (status.equals("error")) {
        throw new IllegalStateException("the order ended in error");
      }
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - paidAt) / 1e9;
    sampler.interrupt();
    sampler.join();
    return new double[] {seconds, peak.get() - idle};
  }
}
