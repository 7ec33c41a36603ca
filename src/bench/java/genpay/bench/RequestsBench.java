package genpay.bench;

import genpay.Engine;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.redis.JobsQueued;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The request worker on this machine: pages per second from queued to completed, against the engine's own
 * ollama sandbox (zero latency) and a site served on 127.0.0.1, the engine in this process with its embedded Redis
 * (AOF appendfsync always). Each page is one fetch, one sandbox call and one Redis write. Self-contained, run by
 * scripts/bench-requests: java -cp target/genpay.jar src/bench/java/genpay/bench/RequestsBench.java PAGES REQUESTS
 */
public class RequestsBench {

  public static void main(String[] args) throws Exception {
    int pages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Map<String, String> env = new HashMap<>();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    env.put("PORT", String.valueOf(port));
    env.put("DATA_DIR", Files.createTempDirectory("requests-bench").toString());
    env.put("APP_URL", "http://127.0.0.1:" + port);
    env.put("SANDBOX_STRIPE_WEBHOOKS", "false");
    env.put("ALLOW_PRIVATE_SITES", "true");
    Engine engine = Engine.start(Settings.from(new JsonObject(), env));
    Vertx vertx = engine.vertx();
    HttpServer site = vertx.createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<html><head><title>Page " + request.path() + "</title></head><body><h1>A page</h1><p>"
            + "Some text about this page, long enough to look like one. ".repeat(20) + "</p></body></html>"));
    get(site.listen(0, "127.0.0.1"));
    Redis redis = RedisClients.create(vertx, engine.settings(), "bench");
    try {
      System.out.printf("machine: %d cores; embedded Redis, appendfsync always; ollama sandbox; pageConcurrency %d%n",
          Runtime.getRuntime().availableProcessors(), engine.settings().providers().pageConcurrency());
      run(vertx, redis, site.actualPort(), "warmup", 300, 1);
      run(vertx, redis, site.actualPort(), "1 request", pages, 1);
      run(vertx, redis, site.actualPort(), requests + " requests", pages, requests);
    } finally {
      redis.close();
      engine.close();
    }
  }

  private static void run(Vertx vertx, Redis redis, int sitePort, String name, int pages, int requests)
      throws Exception {
    Set<String> waiting = ConcurrentHashMap.newKeySet();
    Promise<Void> all = Promise.promise();
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.REQUESTS_CHANGED, message -> {
      String status = message.body().getString("status");
      if (("completed".equals(status) || "failed".equals(status)) && waiting.remove(message.body().getString("id"))) {
        if (!"completed".equals(status)) {
          all.tryFail("request " + message.body().getString("id") + " " + status + ": " + message.body().getString("error"));
        } else if (waiting.isEmpty()) {
          all.tryComplete();
        }
      }
    });
    get(consumer.completion());
    long run = System.nanoTime();
    for (int r = 0; r < requests; r++) {
      String hostname = "localhost:" + sitePort + "-" + name.replace(' ', '-') + "-" + r;
      Request list = Request.cmd(Command.RPUSH).arg(RequestKeys.calculationUrls(hostname));
      for (int p = 0; p < pages; p++) {
        list.arg("http://127.0.0.1:" + sitePort + "/" + run + "/" + r + "/" + p);
      }
      get(redis.send(list));
    }
    // Request ids in the shard of their hostname, as the API mints them.
    List<String> ids = new ArrayList<>();
    for (int r = 0; r < requests; r++) {
      String hostname = "localhost:" + sitePort + "-" + name.replace(' ', '-') + "-" + r;
      ids.add(RequestKeys.newId(Shards.DEFAULT, hostname, "ollama"));
      waiting.add(ids.get(r));
    }
    long start = System.nanoTime();
    for (int r = 0; r < requests; r++) {
      String id = ids.get(r);
      String tag = Shards.DEFAULT.tagOf(id);
      String hostname = "localhost:" + sitePort + "-" + name.replace(' ', '-') + "-" + r;
      get(redis.send(Request.cmd(Command.HSET).arg(RequestKeys.request(tag, id)).arg("id").arg(id).arg("hostname").arg(hostname)
          .arg("provider").arg("ollama").arg("status").arg("queued").arg("amount").arg(0).arg("currency").arg("eur")
          .arg("done").arg(0).arg("total").arg(pages).arg("version").arg(1).arg("refund").arg("none")));
      get(redis.send(Request.cmd(Command.XADD).arg(RedisKeys.requestJobs(tag)).arg("*").arg("requestId").arg(id)));
      vertx.eventBus().publish(Addresses.JOBS_QUEUED, JobsQueued.requests(Shards.DEFAULT.of(id)));
    }
    get(all.future(), 600);
    double seconds = (System.nanoTime() - start) / 1e9;
    get(consumer.unregister());
    System.out.printf("%-12s %6d pages in %6.2f s: %8.0f pages/s%n", name, pages * requests, seconds,
        pages * requests / seconds);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return get(future, 60);
  }

  private static <T> T get(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
