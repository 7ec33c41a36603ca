package genpay.bench;

import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the outside world sends the engine: orders from the tool page, and Stripe's signed webhooks. */
final class GenpayClient {

  private static final int ORDERS_AT_ONCE = 64;

  final WebClient http;
  private final AtomicLong eventSequence = new AtomicLong();

  private final HttpClient core;

  GenpayClient(Vertx vertx, int port, int connections) {
    HttpClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setTcpNoDelay(true);
    http = WebClient.create(vertx, (WebClientOptions) options, new PoolOptions().setHttp1MaxSize(connections));
    core = vertx.createHttpClient(new HttpClientOptions(options), new PoolOptions().setHttp1MaxSize(connections));
  }

  void close() {
    http.close();
    core.close();
  }

  /** Orders made through POST /api/create-checkout, as the tool page makes them; blocks the main thread. */
  List<String> createOrders(int count) throws Exception {
    List<String> ids = new ArrayList<>(count);
    for (int start = 0; start < count; start += ORDERS_AT_ONCE) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + ORDERS_AT_ONCE); i++) {
        batch.add(http.post("/api/create-checkout")
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "bench order " + i))
            .map(response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException("create-checkout answered " + response.statusCode() + ": "
                    + response.bodyAsString());
              }
              return response.bodyAsJsonObject().getString("sessionId");
            }));
      }
      Future.all(batch).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      batch.forEach(future -> ids.add(future.result()));
    }
    return ids;
  }

  /** A signed checkout.session.completed (paid) for the session, as Stripe sends it; the answer's status. */
  Future<Integer> paid(String sessionId) {
    return send(paidEvent(sessionId));
  }

  /** A webhook signed ahead of sending, so that a load run spends its client CPU on sending only. */
  record SignedEvent(Buffer payload, String signature) {
  }

  SignedEvent paidEvent(String sessionId) {
    String payload = new JsonObject().put("id", "evt_bench_" + eventSequence.incrementAndGet() + "_" + sessionId)
        .put("object", "event").put("type", "checkout.session.completed").put("api_version", "2026-07-29.dahlia")
        .put("data", new JsonObject().put("object", new JsonObject().put("id", sessionId)
            .put("object", "checkout.session").put("status", "complete").put("payment_status", "paid")))
        .encode();
    return new SignedEvent(Buffer.buffer(payload), StripeSignature.header(payload, EngineProcess.WEBHOOK_SECRET,
        System.currentTimeMillis() / 1000));
  }

  /** Through the core HTTP client: the web client's conveniences cost the load client CPU it shares. */
  Future<Integer> send(SignedEvent event) {
    return core.request(HttpMethod.POST, "/api/webhooks/stripe").compose(request -> request
        .putHeader("Stripe-Signature", event.signature()).putHeader("Content-Type", "application/json")
        .send(event.payload()).compose(response -> response.end().map(ended -> response.statusCode())));
  }
}
