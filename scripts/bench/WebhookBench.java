import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load client for a running engine (loopback only): creates orders, then sends signed
 * checkout.session.completed events for distinct sessions at rising concurrency, and prints
 * applied/s and latency percentiles per level. Every loop is bounded in count and time.
 * Run: java -cp target/genpay.jar scripts/bench/WebhookBench.java PORT SECRET ORDERS_PER_LEVEL LEVELS...
 */
public class WebhookBench {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String secret = args[1];
    int perLevel = Integer.parseInt(args[2]);
    int[] levels = Arrays.stream(Arrays.copyOfRange(args, 3, args.length)).mapToInt(Integer::parseInt).toArray();
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
    System.out.printf("%-12s %-8s %-12s %-8s %-8s %-8s %-8s%n", "concurrency", "events", "applied/s", "p50 ms",
        "p99 ms", "max ms", "errors");
    for (int concurrency : levels) {
      List<String> sessions = createOrders(http, perLevel);
      long[] latencies = new long[sessions.size()];
      AtomicInteger next = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      CompletableFuture<Void> done = new CompletableFuture<>();
      AtomicInteger running = new AtomicInteger(concurrency);
      long started = System.nanoTime();
      for (int w = 0; w < concurrency; w++) {
        vertx.runOnContext(v -> sendNext(http, secret, sessions, latencies, next, errors, deadline, running, done));
      }
      done.get(3, TimeUnit.MINUTES);
      long elapsed = System.nanoTime() - started;
      long[] sorted = Arrays.copyOf(latencies, next.get() > sessions.size() ? sessions.size() : next.get());
      Arrays.sort(sorted);
      int n = sorted.length;
      System.out.printf("%-12d %-8d %-12.0f %-8.2f %-8.2f %-8.2f %-8d%n", concurrency, n,
          n / (elapsed / 1e9), sorted[n / 2] / 1e6, sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6,
          sorted[n - 1] / 1e6, errors.get());
    }
    vertx.close();
  }

  private static void sendNext(WebClient http, String secret, List<String> sessions, long[] latencies,
                               AtomicInteger next, AtomicInteger errors, long deadline, AtomicInteger running,
                               CompletableFuture<Void> done) {
    int index = next.getAndIncrement();
    if (index >= sessions.size() || System.nanoTime() > deadline) {
      if (running.decrementAndGet() == 0) {
        done.complete(null);
      }
      return;
    }
    String payload = new JsonObject().put("id", "evt_bench_" + index + "_" + System.nanoTime())
        .put("object", "event").put("type", "checkout.session.completed").put("api_version", "2026-07-29.dahlia")
        .put("data", new JsonObject().put("object", new JsonObject().put("id", sessions.get(index))
            .put("object", "checkout.session").put("status", "complete").put("payment_status", "paid")))
        .encode();
    long start = System.nanoTime();
    http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", sign(payload, secret))
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(payload))
        .onComplete(result -> {
          latencies[index] = System.nanoTime() - start;
          if (result.failed() || result.result().statusCode() != 200) {
            errors.incrementAndGet();
          }
          sendNext(http, secret, sessions, latencies, next, errors, deadline, running, done);
        });
  }

  private static List<String> createOrders(WebClient http, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int start = 0; start < count; start += 64) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + 64); i++) {
        batch.add(http.post("/api/create-checkout")
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "bench order " + i))
            .map(response -> response.bodyAsJsonObject().getString("sessionId")));
      }
      Future.all(batch).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      batch.forEach(future -> ids.add(future.result()));
    }
    return ids;
  }

  /** Signed as Stripe signs, by the engine's own code (the jar is on the classpath). */
  private static String sign(String payload, String secret) {
    return StripeSignature.header(payload, secret, System.currentTimeMillis() / 1000);
  }

}
