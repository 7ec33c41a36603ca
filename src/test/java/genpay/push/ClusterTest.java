package genpay.push;

import genpay.ChildEngine;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.redis.EmbeddedRedis;
import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;
import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three clustered nodes (Hazelcast on loopback, one JVM) and one shared Redis. */
class ClusterTest {

  @TempDir
  static Path redisDir;
  private static EmbeddedRedis redis;
  private static TestEngine node1;
  private static TestEngine node2;
  private static TestEngine node3;
  private static Vertx client;
  private static HttpClient http;

  private static Path clusterConfig;

  private static Map<String, String> env(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true", "REDIS_URL", redis.url(),
        "CLUSTER_HOST", "127.0.0.1", "SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false",
        "CLUSTER_CONFIG", clusterConfig.toString()));
    env.putAll(more);
    return env;
  }

  @BeforeAll
  static void start() throws Exception {
    redis = EmbeddedRedis.start(redisDir, 0, "everysec");
    // The project's own cluster.xml under a name of its own: never joins a cluster someone runs here.
    clusterConfig = redisDir.resolve("cluster.xml");
    Files.writeString(clusterConfig, Files.readString(Path.of("conf/cluster.xml"))
        .replace("<cluster-name>genpay</cluster-name>", "<cluster-name>genpay-test-" + UUID.randomUUID() + "</cluster-name>"));
    node1 = TestEngine.start(env(Map.of()));
    node2 = TestEngine.start(env(Map.of()));
    node3 = TestEngine.start(env(Map.of()));
    client = Vertx.vertx();
    http = client.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(200));
  }

  @AfterAll
  static void stop() {
    for (TestEngine node : new TestEngine[] {node3, node2, node1}) {
      if (node != null) {
        node.close();
      }
    }
    if (client != null) {
      client.close();
    }
    redis.stop();
  }

  private static SseClient stream(TestEngine node, String sessionId, String lastEventId) {
    return await(SseClient.open(http, node.port, "/api/events/session/" + sessionId, lastEventId));
  }

  private static void paidByWebhook(TestEngine node, String sessionId) {
    String payload = new JsonObject().put("id", "evt_test_cluster_" + System.nanoTime()).put("object", "event")
        .put("type", "checkout.session.completed").put("data", new JsonObject().put("object", new JsonObject()
            .put("id", sessionId).put("object", "checkout.session").put("status", "complete")
            .put("payment_status", "paid"))).encode();
    String signature = StripeSignature.header(payload, node.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    assertEquals(200, await(node.http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload))).statusCode());
  }

  private static void update(TestEngine node, JsonObject session, int file, FileStatus status, int progress) {
    String fileId = session.getJsonArray("files").getJsonObject(file).getString("id");
    FileUpdate update = new FileUpdate(fileId, session.getString("sessionId"), status, progress,
        status == FileStatus.COMPLETED ? "http://127.0.0.1/clip.mp4" : "", "", "", "");
    await(node.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE, update.toJson()));
  }

  private static JsonObject rest(TestEngine node, String sessionId) {
    return await(node.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
  }

  @Test
  void orderedOnOnePaidOnAnotherWatchedOnTheThird() {
    assertEquals(3, await(node1.http.get("/ready").send()).bodyAsJsonObject().getJsonObject("cluster")
        .getInteger("members"));
    String sessionId = node1.order(2, "a heron at dawn");
    SseClient watcher = stream(node3, sessionId, null);
    assertEquals("pending", await(watcher.when(e -> true)).data().getString("status"));
    var paid = watcher.when(e -> "processing".equals(e.data().getString("status")));
    paidByWebhook(node2, sessionId);
    JsonObject session = await(paid.timeout(20, TimeUnit.SECONDS)).data();
    update(node2, session, 0, FileStatus.IN_PROGRESS, 40);
    update(node1, session, 1, FileStatus.IN_PROGRESS, 70);
    update(node2, session, 0, FileStatus.COMPLETED, 100);
    update(node1, session, 1, FileStatus.COMPLETED, 100);
    await(watcher.ended.future().timeout(20, TimeUnit.SECONDS));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), watcher.events.stream().map(SseClient.Event::id).toList(),
        "every change, once, in order");
    JsonObject rest = rest(node1, sessionId);
    assertEquals(rest, watcher.events.get(watcher.events.size() - 1).data(),
        "a change's event is the REST answer, prompt included, whichever node committed it");
  }

  @Test
  void oneChangeIsOneClusterPublishWhateverTheStreams() {
    String sessionId = node1.order(1, "fifty watchers");
    AtomicInteger published = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    // Only this session's changes count: other tests' orders may still be moving.
    // Node 3's own Stripe sync (its watchers saw the order pending) may apply the payment again: a repeat
    // publishes the state once more, by design. Whatever the count, each publish must reach node 3 once.
    for (TestEngine node : List.of(node1, node2, node3)) {
      node.engine.vertx().eventBus().addOutboundInterceptor(delivery -> {
        if (Addresses.STATUS_CHANGED.equals(delivery.message().address()) && concerns(delivery.body(), sessionId)) {
          published.incrementAndGet();
        }
        delivery.next();
      });
    }
    node3.engine.vertx().eventBus().addInboundInterceptor(delivery -> {
      if (Addresses.STATUS_CHANGED.equals(delivery.message().address())
          && concerns(delivery.message().body(), sessionId)) {
        received.incrementAndGet();
      }
      delivery.next();
    });
    List<SseClient> watchers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      watchers.add(stream(node3, sessionId, null));
    }
    try {
      await(Future.all(watchers.stream().map(w -> w.when(e -> true)).toList()));
    } catch (IllegalStateException timedOut) {
      // Seen once in a few full runs and never alone: say which streams waited, for the next look.
      List<String> silent = watchers.stream().filter(w -> w.events.isEmpty())
          .map(w -> w.response.statusCode() + " " + w.response.headers().get("Content-Type")).toList();
      throw new AssertionError(silent.size() + " of 50 streams got no first event: " + silent, timedOut);
    }
    List<Future<SseClient.Event>> paid = watchers.stream()
        .map(w -> w.when(e -> "processing".equals(e.data().getString("status")))).toList();
    paidByWebhook(node2, sessionId);
    await(Future.all(paid).timeout(20, TimeUnit.SECONDS));
    assertTrue(published.get() >= 1 && published.get() <= 2, "the webhook's publish, and at most a sync's repeat: "
        + published.get());
    // Node 3 has two consumers of status.changed, the push and the admin console's stream, each handed every
    // publish once: however many streams watch, never more.
    assertEquals(2 * published.get(), received.get(), "node 3 took each publish once per consumer, for its 50 streams");
    watchers.forEach(w -> w.response.request().connection().close());
  }

  /** The payment's change of this session (its creation's publish may still be on the way). */
  private static boolean concerns(Object body, String sessionId) {
    return body instanceof JsonObject change && sessionId.equals(change.getString("sessionId"))
        && "processing".equals(change.getJsonObject("session").getString("status"));
  }

  @Test
  void aThousandChangesFromNodeTwoReachNodeThree() {
    String sessionId = node1.order(10, "latency across nodes");
    SseClient watcher = stream(node3, sessionId, null);
    var paid = watcher.when(e -> "processing".equals(e.data().getString("status")));
    paidByWebhook(node2, sessionId);
    JsonObject session = await(paid.timeout(20, TimeUnit.SECONDS)).data();
    List<Long> arrivals = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    int changes = 0;
    for (int progress = 1; progress <= 100 && changes < 1_000; progress++) {
      for (int file = 0; file < 10 && changes < 1_000; file++) {
        update(node2, session, file, FileStatus.IN_PROGRESS, progress);
        changes++;
        long version = session.getLong("version") + changes;
        SseClient.Event arrived = await(watcher.when(e -> e.id() >= version).timeout(10, TimeUnit.SECONDS));
        long now = System.currentTimeMillis();
        arrivals.add(arrived.id());
        latencies.add(now - arrived.data().getLong("timestamp"));
      }
    }
    assertEquals(1_000, changes);
    List<Long> sorted = latencies.stream().sorted().toList();
    System.out.printf("node 2 commit -> node 3 stream over %d changes: median %d ms, p99 %d ms, max %d ms%n",
        sorted.size(), sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.get(sorted.size() - 1));
    assertTrue(sorted.get(0) >= 0);
    watcher.response.request().connection().close();
  }

  @Test
  void aNodeJoiningLateServesOlderOrders() throws Exception {
    String sessionId = node1.order(1, "before the fourth node");
    try (TestEngine late = TestEngine.start(env(Map.of()))) {
      SseClient watcher = stream(late, sessionId, null);
      assertEquals("pending", await(watcher.when(e -> true)).data().getString("status"));
      var paid = watcher.when(e -> "processing".equals(e.data().getString("status")));
      paidByWebhook(node2, sessionId);
      await(paid.timeout(20, TimeUnit.SECONDS));
      watcher.response.request().connection().close();
    }
  }

  @Test
  void aKilledNodesJobFinishesElsewhereAndItsWatchersCatchUp() throws Exception {
    Map<String, String> worker = env(Map.of("GENERATION_WORKER", "true", "SANDBOX_GENERATION_SECONDS", "3",
        "WORKER_CLAIM_IDLE_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200", "FOLLOW_MAX_DELAY_MS", "500"));
    String sessionId = node1.order(1, "a node that dies");
    SseClient survivorWatcher = stream(node3, sessionId, null);
    var completed = survivorWatcher.when(e -> "completed".equals(e.data().getString("status")));
    SseClient doomedWatcher;
    try (ChildEngine doomed = ChildEngine.start(worker)) {
      doomed.whenLogged("genpay ready").get(90, TimeUnit.SECONDS);
      doomedWatcher = await(SseClient.open(http, doomed.port, "/api/events/session/" + sessionId, null));
      await(doomedWatcher.when(e -> true));
      var started = doomed.whenLogged(sessionId, "started at the provider");
      paidByWebhook(node2, sessionId);
      started.get(30, TimeUnit.SECONDS);
      doomed.kill();
    }
    await(doomedWatcher.ended.future().timeout(20, TimeUnit.SECONDS));
    long lastSeen = doomedWatcher.events.get(doomedWatcher.events.size() - 1).id();
    try (TestEngine rescuer = TestEngine.start(worker)) {
      JsonObject done = await(completed.timeout(60, TimeUnit.SECONDS)).data();
      String fileId = done.getString("fileId");
      assertEquals(1, rescuer.providerStarts(fileId), "resumed, not restarted, at the provider");
      SseClient reconnected = stream(node3, sessionId, String.valueOf(lastSeen));
      await(reconnected.ended.future().timeout(20, TimeUnit.SECONDS));
      assertTrue(reconnected.events.stream().allMatch(e -> e.id() > lastSeen), "nothing older than it had");
      JsonObject last = reconnected.events.get(reconnected.events.size() - 1).data();
      assertEquals(done, last, "and nothing missed");
      await(rescuer.acknowledged(List.of(fileId)).timeout(30, TimeUnit.SECONDS));
      assertEquals(0, rescuer.pendingJobsOf(sessionId), "its job is acknowledged, not left pending");
    }
  }
}
