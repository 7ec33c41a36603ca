package genpay;

import genpay.config.Settings;
import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import genpay.redis.RedisClients;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole engine for a test class: its own port, its own embedded Redis in a fresh data directory (or, with
 * GENPAY_TEST_REDIS=cluster, the JVM's local Redis Cluster, emptied: see {@link TestRedis}).
 */
public final class TestEngine implements AutoCloseable {

  public final Engine engine;
  public final WebClient http;
  public final Redis redis;
  public final int port;

  private final Set<String> acknowledgedFiles = ConcurrentHashMap.newKeySet();
  private final List<Runnable> acknowledgementWatchers = new CopyOnWriteArrayList<>();

  private TestEngine(Engine engine, int port) {
    this.engine = engine;
    this.port = port;
    var acknowledgements = engine.vertx().eventBus().<JsonObject>localConsumer(Addresses.GENERATION_JOB_DONE, done -> {
      acknowledgedFiles.add(done.body().getString("fileId"));
      acknowledgementWatchers.forEach(Runnable::run);
    });
    await(acknowledgements.completion());
    WebClientOptions options = new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port).setFollowRedirects(false);
    if (engine.settings().https()) {
      // As a browser holding the certificate would: verified, host name included (the dev cert names 127.0.0.1).
      options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(engine.settings().tls().certFile()));
    }
    this.http = WebClient.create(engine.vertx(), options);
    this.redis = RedisClients.create(engine.vertx(), engine.settings(), "test");
  }

  public static TestEngine start() throws Exception {
    return start(Map.of());
  }

  /** {@code overrides} are environment variables on top of a sandboxed, embedded default. */
  public static TestEngine start(Map<String, String> overrides) throws Exception {
    int port = freePort();
    Path dataDir = Files.createTempDirectory("genpay-test-");
    Map<String, String> env = new HashMap<>();
    env.put("PORT", String.valueOf(port));
    env.put("DATA_DIR", dataDir.toString());
    boolean https = overrides.containsKey("TLS_CERT_FILE");
    env.put("APP_URL", (https ? "https" : "http") + "://127.0.0.1:" + port);
    // Tests order many times from 127.0.0.1; the rate-limit test sets its own small limit.
    env.put("CHECKOUT_RATE_PER_MINUTE", "100000");
    env.putAll(TestRedis.env(overrides));
    env.putAll(overrides);
    Settings settings = Settings.from(new JsonObject(), env);
    return new TestEngine(Engine.start(settings), port);
  }

  /** A self-signed pair for localhost and 127.0.0.1, made by scripts/dev-cert: TLS_CERT_FILE and TLS_KEY_FILE. */
  public static Map<String, String> devCertificate() throws Exception {
    return devCertificate(Files.createTempDirectory("genpay-tls-"));
  }

  /** The same into {@code dir}. */
  public static Map<String, String> devCertificate(Path dir) throws Exception {
    Process made = new ProcessBuilder("scripts/dev-cert", dir.toString()).redirectErrorStream(true).start();
    String out = new String(made.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (made.waitFor() != 0) {
      throw new IllegalStateException("scripts/dev-cert failed: " + out);
    }
    return Map.of("TLS_CERT_FILE", dir.resolve("cert.pem").toString(), "TLS_KEY_FILE", dir.resolve("key.pem").toString());
  }

  public Settings settings() {
    return engine.settings();
  }

  /** Presses Pay ("paid") or Decline ("declined") on the sandbox's hosted checkout page. */
  public HttpResponse<Buffer> clickOnCheckoutPage(String sessionId, String outcome) {
    return await(http.post("/sandbox/stripe/pay/" + sessionId + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("outcome=" + outcome)));
  }

  /** Presses Pay on the sandbox's hosted checkout page with the e-mail a buyer types there. */
  public HttpResponse<Buffer> payOnCheckoutPage(String sessionId, String email) {
    return await(http.post("/sandbox/stripe/pay/" + sessionId + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("outcome=paid&email=" + java.net.URLEncoder.encode(email,
            java.nio.charset.StandardCharsets.UTF_8))));
  }

  /** Orders {@code videos} videos through the API and answers the new session id. */
  public String order(int videos, String prompt) {
    HttpResponse<Buffer> created = await(http.post("/api/create-checkout")
        .sendJsonObject(new JsonObject().put("quantity", videos).put("prompt", prompt)));
    if (created.statusCode() != 200) {
      throw new IllegalStateException("create-checkout answered " + created.statusCode() + ": " + created.bodyAsString());
    }
    return created.bodyAsJsonObject().getString("sessionId");
  }

  /**
   * Completes with the session snapshot of the first status.changed for this session whose status is one of
   * {@code statuses}. Listens from the moment it is called: call it before the action that causes the change.
   */
  public Future<JsonObject> reaches(String sessionId, String... statuses) {
    List<String> wanted = List.of(statuses);
    return sessionWhere(sessionId, session -> wanted.contains(session.getString("status")));
  }

  /**
   * The session snapshot of the first status.changed for this session that {@code test} accepts. Listens from
   * the moment it is called: call it before the action that causes the change.
   */
  public Future<JsonObject> sessionWhere(String sessionId, java.util.function.Predicate<JsonObject> test) {
    Promise<JsonObject> reached = Promise.promise();
    MessageConsumer<JsonObject> consumer = engine.vertx().eventBus().consumer(Addresses.STATUS_CHANGED);
    consumer.handler(message -> {
      JsonObject session = message.body().getJsonObject("session");
      if (sessionId.equals(session.getString("sessionId")) && test.test(session)) {
        consumer.unregister();
        reached.tryComplete(session);
      }
    });
    await(consumer.completion());
    return reached.future();
  }

  /**
   * The session snapshot of the first status.changed of an order with this prompt whose status is one of
   * {@code statuses}: for orders whose id is made by the server (ord_…). Call it before ordering.
   */
  public Future<JsonObject> sessionOfPrompt(String prompt, String... statuses) {
    List<String> wanted = List.of(statuses);
    return sessionOfPrompt(prompt, session -> wanted.contains(session.getString("status")));
  }

  /**
   * The same with any test of the snapshot. A change carries no prompt, so each order's is read once from the
   * store; the changes of one order are tested in the order they came.
   */
  public Future<JsonObject> sessionOfPrompt(String prompt, java.util.function.Predicate<JsonObject> test) {
    Promise<JsonObject> reached = Promise.promise();
    Map<String, Future<Boolean>> ours = new HashMap<>();
    MessageConsumer<JsonObject> consumer = engine.vertx().eventBus().consumer(Addresses.STATUS_CHANGED);
    consumer.handler(message -> {
      JsonObject session = message.body().getJsonObject("session");
      ours.computeIfAbsent(session.getString("sessionId"), id -> engine.vertx().eventBus()
              .<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", id))
              .map(read -> prompt.equals(read.body().getString("prompt"))).otherwise(false))
          .onSuccess(mine -> {
            if (mine && test.test(session) && reached.tryComplete(session)) {
              consumer.unregister();
            }
          });
    });
    await(consumer.completion());
    return reached.future();
  }

  /**
   * Asks for a sign-in link for {@code email} (from {@code ip}, seen as the client when 127.0.0.1 is a trusted
   * proxy) and answers its path, {@code /auth/verify?token=…}, read from the sandbox mailbox.
   */
  public String signInPath(String email, String ip) {
    HttpResponse<Buffer> asked = await(http.post("/api/auth/email-link").putHeader("X-Forwarded-For", ip)
        .sendJsonObject(new JsonObject().put("email", email)));
    if (asked.statusCode() != 202) {
      throw new IllegalStateException("email-link answered " + asked.statusCode() + ": " + asked.bodyAsString());
    }
    var messages = await(http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (email.equals(message.getString("to"))) {
        var link = java.util.regex.Pattern.compile("/auth/verify\\?token=[A-Za-z0-9_-]{43}")
            .matcher(message.getString("text"));
        if (link.find()) {
          return link.group();
        }
      }
    }
    throw new IllegalStateException("no sign-in mail to " + email);
  }

  /** Completes once this node's worker has acknowledged the jobs of all these files. */
  public Future<Void> acknowledged(Collection<String> fileIds) {
    Promise<Void> all = Promise.promise();
    Runnable check = () -> {
      if (acknowledgedFiles.containsAll(fileIds)) {
        all.tryComplete();
      }
    };
    acknowledgementWatchers.add(check);
    check.run();
    return all.future().eventually(() -> {
      acknowledgementWatchers.remove(check);
      return Future.succeededFuture();
    });
  }

  /** Jobs of the generation group not yet acknowledged, in every shard's streams. */
  public long pendingJobs() {
    long pending = 0;
    for (String stream : TestKeys.allJobStreams()) {
      // A stream no worker has created yet (NOGROUP) holds nothing pending.
      Response summary = await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("generation"))
          .otherwise((Response) null));
      pending += summary == null ? 0 : summary.get(0).toLong();
    }
    return pending;
  }

  /** Entries of this session still pending in the generation group (other orders' jobs aside). */
  public long pendingJobsOf(String sessionId) {
    long count = 0;
    for (String stream : List.of(TestKeys.jobs(sessionId), TestKeys.priorityJobs(sessionId))) {
      var pending = await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("generation")
          .arg("-").arg("+").arg(10_000)).otherwise((Response) null));
      if (pending == null) {
        continue;
      }
      for (var entry : pending) {
        String id = entry.get(0).toString();
        var range = await(redis.send(Request.cmd(Command.XRANGE).arg(stream).arg(id).arg(id)));
        for (var found : range) {
          var fields = found.get(1);
          for (int i = 0; i + 1 < fields.size(); i += 2) {
            if ("sessionId".equals(fields.get(i).toString()) && sessionId.equals(fields.get(i + 1).toString())) {
              count++;
            }
          }
        }
      }
    }
    return count;
  }

  /** How many times the provider sandbox started a job for this idempotency key (the file id). */
  public long providerStarts(String fileId) {
    var count = await(redis.send(Request.cmd(Command.GET).arg(genpay.generation.ProviderSandbox.startsKey(fileId))));
    return count == null ? 0 : count.toLong();
  }

  /**
   * Holds every write (and every script) on this engine's Redis for {@code millis}: calls made meanwhile
   * time out in the engine, yet run once the pause ends.
   */
  public void pauseRedisWrites(long millis) {
    if (TestRedis.clusterOf(settings()) != null) {
      TestRedis.clusterOf(settings()).pauseWrites(millis);
      return;
    }
    await(redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(millis).arg("WRITE")));
  }

  /** A digest of Redis's whole dataset: equal before and after means nothing changed. */
  public String redisDigest() {
    if (TestRedis.clusterOf(settings()) != null) {
      return TestRedis.clusterOf(settings()).digest();
    }
    return await(redis.send(Request.cmd(Command.DEBUG).arg("DIGEST"))).toString();
  }

  public static <T> T await(Future<T> future) {
    return await(future, 30);
  }

  /** For a future whose own timeout is longer than the usual 30 s guard (the guard would cut it short). */
  public static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A port free now, below Linux's ephemeral range (32768+): a port the OS hands out for "any port" (the embedded
   * Redis, the embedded object store, outgoing connections) could otherwise be this one before its engine binds it.
   */
  public static int freePort() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use: draw again
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    redis.close();
    http.close();
    engine.close();
  }
}
