package genpay.bench;

import genpay.redis.Shards;
import genpay.sessions.RedisKeys;
import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load client for a running engine (loopback only): orders ORDERS x VIDEOS videos, pays each with a signed
 * webhook, then reads /metrics until the worker reports them done (mode "throughput") or in flight (mode
 * "inflight"); mode "redis-memory" is "throughput" with Redis's own figures (INFO memory, the job stream, its
 * consumers) read before the first order and after the last is done, from BENCH_REDIS_URL; mode "webhooks" stops
 * once every order is paid. Prints key=value figures.
 * Every loop is bounded in count and time.
 * Run by scripts/bench-generation:
 * java -cp target/genpay.jar src/bench/java/genpay/bench/GenerationBench.java PORT SECRET MODE ORDERS VIDEOS
 */
public class GenerationBench {

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception e) {
      // Vert.x's threads would keep a failed run alive forever.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String secret = args[1];
    String mode = args[2];
    int orders = Integer.parseInt(args[3]);
    int videos = Integer.parseInt(args[4]);
    int jobs = orders * videos;
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(64));
    RedisFigures redisBefore = "redis-memory".equals(mode)
        ? RedisFigures.read(vertx, System.getenv("BENCH_REDIS_URL")) : null;
    List<String> sessions = new ArrayList<>();
    for (int start = 0; start < orders; start += 64) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(orders, start + 64); i++) {
        batch.add(createCheckout(vertx, http, videos, "bench " + i, 10));
      }
      get(Future.all(batch));
      batch.forEach(future -> sessions.add(future.result()));
    }
    if (CREATE_RETRIES.get() > 0) {
      System.out.printf("create_checkout_retries=%d%n", CREATE_RETRIES.get());
    }
    long baseline = "inflight".equals(mode) ? heapAfterGc(http) : 0;
    // The engine may have run a warm-up load before: count only this run's completions.
    double completedBefore = metric(http, "genpay_generations_total{outcome=\"completed\"}");
    long paidAt = System.nanoTime();
    // 64 webhooks in flight at all times: each answer sends the next.
    AtomicInteger nextToPay = new AtomicInteger();
    List<Future<Void>> senders = new ArrayList<>();
    for (int lane = 0; lane < Math.min(64, sessions.size()); lane++) {
      senders.add(payFrom(http, secret, sessions, nextToPay));
    }
    get(Future.all(senders));
    double paidSeconds = (System.nanoTime() - paidAt) / 1e9;
    System.out.printf("webhooks=%d seconds=%.2f webhooks_per_second=%.0f%s%n", sessions.size(), paidSeconds,
        sessions.size() / paidSeconds, WEBHOOK_RETRIES.get() > 0 ? " retried_5xx=" + WEBHOOK_RETRIES.get() : "");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    if ("webhooks".equals(mode)) {
      // Paid orders applied is the figure: an engine run with GENERATION_WORKER=false leaves the jobs queued.
      vertx.close();
      return;
    }
    if ("throughput".equals(mode) || "redis-memory".equals(mode)) {
      double done = 0;
      while (done < jobs && System.nanoTime() < deadline) {
        Thread.sleep(100);
        done = metric(http, "genpay_generations_total{outcome=\"completed\"}") - completedBefore;
      }
      double seconds = (System.nanoTime() - paidAt) / 1e9;
      System.out.printf("jobs=%d completed=%.0f seconds=%.2f jobs_per_second=%.0f%n", jobs, done, seconds,
          done / seconds);
      if (redisBefore != null) {
        // A job is acknowledged (and leaves the stream) just after its completion is counted.
        while (metric(http, "genpay_generation_in_flight") > 0 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        RedisFigures after = RedisFigures.read(vertx, System.getenv("BENCH_REDIS_URL"));
        System.out.println("redis before: " + redisBefore);
        System.out.println("redis after:  " + after);
        System.out.printf("used_memory per completed order: %.0f bytes%n",
            (after.usedMemory() - redisBefore.usedMemory()) / Math.max(1.0, orders));
      }
    } else {
      double inFlight = 0;
      while (inFlight < jobs && System.nanoTime() < deadline) {
        Thread.sleep(200);
        inFlight = metric(http, "genpay_generation_in_flight");
      }
      long heap = heapAfterGc(http);
      System.out.printf("jobs_in_flight=%.0f heap_before_mib=%.1f heap_with_jobs_mib=%.1f per_job_bytes=%.0f%n",
          inFlight, baseline / 1048576.0, heap / 1048576.0, (heap - baseline) / Math.max(1, inFlight));
    }
    vertx.close();
  }

  private static final AtomicInteger CREATE_RETRIES = new AtomicInteger();

  /** One order; an answer without a session id (a 503 while Redis is away) is retried, and counted. */
  private static Future<String> createCheckout(Vertx vertx, WebClient http, int videos, String prompt, int tries) {
    return http.post("/api/create-checkout")
        .sendJsonObject(new JsonObject().put("quantity", videos).put("prompt", prompt))
        .compose(response -> {
          if (response.statusCode() == 200 && response.bodyAsJsonObject().getString("sessionId") != null) {
            return Future.succeededFuture(response.bodyAsJsonObject().getString("sessionId"));
          }
          if (tries <= 1) {
            return Future.failedFuture("create-checkout answered " + response.statusCode() + ": "
                + response.bodyAsString());
          }
          CREATE_RETRIES.incrementAndGet();
          System.err.println("create-checkout answered " + response.statusCode() + ": " + response.bodyAsString());
          return vertx.timer(200).compose(v -> createCheckout(vertx, http, videos, prompt, tries - 1));
        });
  }

  /** Pays the next unpaid order, then the next, until none is left; fails on any answer but 200. */
  private static Future<Void> payFrom(WebClient http, String secret, List<String> sessions, AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= sessions.size()) {
      return Future.succeededFuture();
    }
    String payload = new JsonObject().put("id", "evt_gen_bench_" + i + "_" + System.nanoTime())
        .put("type", "checkout.session.completed")
        .put("data", new JsonObject().put("object", new JsonObject().put("id", sessions.get(i))
            .put("object", "checkout.session").put("status", "complete").put("payment_status", "paid")))
        .encode();
    return pay(http, secret, payload, 10).compose(v -> payFrom(http, secret, sessions, next));
  }

  private static final AtomicInteger WEBHOOK_RETRIES = new AtomicInteger();

  /** Sends one event; a 5xx is sent again, as Stripe would (counted); any other answer but 200 fails the run. */
  private static Future<Void> pay(WebClient http, String secret, String payload, int tries) {
    return http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", sign(payload, secret))
        .sendBuffer(Buffer.buffer(payload))
        .compose(response -> {
          if (response.statusCode() == 200) {
            return Future.succeededFuture();
          }
          if (response.statusCode() >= 500 && tries > 1) {
            WEBHOOK_RETRIES.incrementAndGet();
            return pay(http, secret, payload, tries - 1);
          }
          return Future.failedFuture("webhook answered " + response.statusCode() + ": " + response.bodyAsString());
        });
  }

  /** Heap in use after a full GC of the engine (jcmd), read from its own /metrics. */
  private static long heapAfterGc(WebClient http) throws Exception {
    String pid = System.getenv("ENGINE_PID");
    new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    Thread.sleep(500);
    String text = get(http.get("/metrics").send()).bodyAsString();
    long used = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return used;
  }

  private static double metric(WebClient http, String name) throws Exception {
    String text = get(http.get("/metrics").send()).bodyAsString();
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name.contains("{") ? name.substring(0, name.indexOf('{')) : name)
          && (!name.contains("{") || line.contains(name.substring(name.indexOf('{') + 1, name.length() - 1)))) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** Signed as Stripe signs, by the engine's own code (the jar is on the classpath). */
  private static String sign(String payload, String secret) {
    return StripeSignature.header(payload, secret, System.currentTimeMillis() / 1000);
  }

  /** What Redis itself says of its size: INFO memory, keys, the job stream and its consumers. */
  static record RedisFigures(long usedMemory, long keys, long streamLength, long streamBytes, long consumers) {

    static RedisFigures read(Vertx vertx, String url) throws Exception {
      Redis redis = Redis.createClient(vertx, url);
      try {
        String info = get(redis.send(Request.cmd(Command.INFO).arg("memory"))).toString();
        long used = 0;
        for (String line : info.split("\r?\n")) {
          if (line.startsWith("used_memory:")) {
            used = Long.parseLong(line.substring("used_memory:".length()).trim());
          }
        }
        long keys = get(redis.send(Request.cmd(Command.DBSIZE))).toLong();
        // Summed over every shard's normal stream; consumers: the most any one stream has.
        long length = 0;
        long bytes = 0;
        long consumers = 0;
        for (String tag : Shards.DEFAULT.tags()) {
          String stream = RedisKeys.generationJobs(tag);
          if (get(redis.send(Request.cmd(Command.EXISTS).arg(stream))).toLong() == 0) {
            continue;
          }
          length += get(redis.send(Request.cmd(Command.XLEN).arg(stream))).toLong();
          Response usage = get(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(stream)));
          bytes += usage == null ? 0 : usage.toLong();
          consumers = Math.max(consumers, get(redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream)
              .arg("generation"))).size());
        }
        return new RedisFigures(used, keys, length, bytes, (int) consumers);
      } finally {
        redis.close();
      }
    }

    private static <T> T get(Future<T> future) throws Exception {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
