package genpay.push;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.redis.EmbeddedRedis;
import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;
import genpay.stripe.StripeSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conf/nginx/genpay.conf as committed (only its ports changed), run by Debian's nginx in front of two clustered
 * nodes sharing one Redis: a stream passes through live, lives through 120 s without a change, and when its
 * node stops the client reconnects through nginx with Last-Event-ID, reaches the other node and gets what it
 * missed.
 */
@Execution(ExecutionMode.CONCURRENT) // its 120 s idle runs beside the other classes (junit-platform.properties)
class NginxProxyTest {

  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path CONF = Path.of("conf/nginx/genpay.conf");
  private static final Pattern UPSTREAM_SERVER = Pattern.compile("(?m)^(\\s*server\\s+)127\\.0\\.0\\.1:\\d+");

  @Test
  void aStreamPassesLiveSurvivesTwoIdleMinutesAndMovesToTheOtherNodeWhenItsNodeStops(@TempDir Path dir)
      throws Exception {
    long started = System.nanoTime();
    EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), 0, "everysec");
    Path clusterConfig = dir.resolve("cluster.xml");
    Files.writeString(clusterConfig, Files.readString(Path.of("conf/cluster.xml"))
        .replace("<cluster-name>genpay</cluster-name>", "<cluster-name>genpay-test-" + UUID.randomUUID() + "</cluster-name>")
        // Ports of its own: a clustered test running meanwhile finds its members on the first ports from 5701.
        .replace("port-count=\"20\">5701</port>", "port-count=\"20\">5801</port>"));
    assertTrue(Files.readString(clusterConfig).contains(">5801</port>"), "the node ports moved");
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true", "REDIS_URL", redis.url(),
        "CLUSTER_HOST", "127.0.0.1", "SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false",
        "CLUSTER_CONFIG", clusterConfig.toString(), "TRUSTED_PROXIES", "127.0.0.1"));
    List<TestEngine> nodes = new ArrayList<>();
    Vertx client = Vertx.vertx();
    Nginx nginx = null;
    try {
      nodes.add(TestEngine.start(env));
      nodes.add(TestEngine.start(env));
      nginx = Nginx.start(dir.resolve("nginx"), nodes.get(0).port, nodes.get(1).port);
      HttpClient http = client.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      WebClient web = WebClient.create(client, new io.vertx.ext.web.client.WebClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(nginx.port));
      assertEquals(2, await(web.get("/ready").send()).bodyAsJsonObject().getJsonObject("cluster")
          .getInteger("members"));

      // Ordered and watched through nginx; paid by a webhook through nginx (its raw body's signature holds).
      JsonObject created = await(web.post("/api/create-checkout").sendJsonObject(new JsonObject()
          .put("quantity", 1).put("prompt", "a lighthouse behind a proxy"))).bodyAsJsonObject();
      String sessionId = created.getString("sessionId");
      SseClient stream = await(SseClient.open(http, nginx.port, "/api/events/session/" + sessionId, null));
      assertEquals(200, stream.response.statusCode());
      assertTrue(stream.response.getHeader("Content-Type").startsWith("text/event-stream"));
      assertEquals("no", stream.response.getHeader("X-Accel-Buffering"), "passed on for proxies further out");
      assertEquals("pending", await(stream.when(e -> true).timeout(20, TimeUnit.SECONDS)).data().getString("status"));
      var paid = stream.when(e -> "processing".equals(e.data().getString("status")));
      assertEquals(200, webhook(web, nodes.get(0), sessionId));
      JsonObject processing = await(paid.timeout(20, TimeUnit.SECONDS)).data();
      long lastChange = System.nanoTime();
      int eventsBefore = stream.events.size();

      // While the stream stays idle for 120 s: requests spread over both nodes (no stickiness), and the
      // engine's keep-alive comments come through nginx as they are written.
      List<SseClient> more = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        SseClient another = await(SseClient.open(http, nginx.port, "/api/events/session/" + sessionId, null));
        await(another.when(e -> true).timeout(20, TimeUnit.SECONDS));
        more.add(another);
      }
      assertTrue(openStreams(nodes.get(0)) >= 2 && openStreams(nodes.get(1)) >= 2,
          "streams spread over both nodes: " + openStreams(nodes.get(0)) + " and " + openStreams(nodes.get(1)));
      more.forEach(another -> another.response.request().connection().close());
      awaitTrue(() -> openStreams(nodes.get(0)) + openStreams(nodes.get(1)) == 1, "the extra streams closed");
      long firstComment = await(stream.firstComment.future().timeout(30, TimeUnit.SECONDS));
      assertTrue(firstComment - lastChange < TimeUnit.SECONDS.toNanos(20), "a keep-alive within 15 s and a tick");

      long idleNanos = TimeUnit.SECONDS.toNanos(120) - (System.nanoTime() - lastChange);
      if (idleNanos > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(idleNanos) + 1);
      }
      assertTrue(!stream.ended.future().isComplete(), "the stream lives through 120 s without a change");
      assertEquals(eventsBefore, stream.events.size(), "and no event came meanwhile");
      assertTrue(stream.comments.size() >= 7, "keep-alives kept coming through nginx: " + stream.comments.size());

      // The node serving the stream stops; a change is made meanwhile on the other.
      TestEngine serving = openStreams(nodes.get(0)) > 0 ? nodes.get(0) : nodes.get(1);
      TestEngine other = serving == nodes.get(0) ? nodes.get(1) : nodes.get(0);
      assertEquals(1, openStreams(serving), "one node holds the stream");
      long lastSeen = stream.events.get(stream.events.size() - 1).id();
      serving.close();
      nodes.remove(serving);
      await(stream.ended.future().timeout(30, TimeUnit.SECONDS));
      String fileId = processing.getJsonArray("files").getJsonObject(0).getString("id");
      await(other.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE,
          FileUpdate.progress(fileId, sessionId, FileStatus.IN_PROGRESS, 50).toJson()));

      // As EventSource does after the retry delay: the same URL with Last-Event-ID, through nginx.
      SseClient again = await(SseClient.open(http, nginx.port, "/api/events/session/" + sessionId,
          String.valueOf(lastSeen)));
      assertEquals(200, again.response.statusCode());
      SseClient.Event caughtUp = await(again.when(e -> true).timeout(20, TimeUnit.SECONDS));
      assertTrue(caughtUp.id() > lastSeen, "only what is newer than it had");
      assertEquals(50, caughtUp.data().getJsonArray("files").getJsonObject(0).getInteger("progress"),
          "the change made while it was away");
      assertEquals(1, openStreams(other), "served by the node still running");
      // And it is live again there.
      var completed = again.when(e -> "completed".equals(e.data().getString("status")));
      await(other.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE, new FileUpdate(fileId,
          sessionId, FileStatus.COMPLETED, 100, "http://127.0.0.1/clip.mp4", "", "", "").toJson()));
      await(completed.timeout(20, TimeUnit.SECONDS));
      await(again.ended.future().timeout(20, TimeUnit.SECONDS));
      System.out.printf("nginx in front of two nodes: stream idle 120 s and moved on a node's stop, in %d s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    } finally {
      if (nginx != null) {
        nginx.close();
      }
      for (TestEngine node : nodes) {
        node.close();
      }
      client.close();
      redis.stop();
    }
  }

  private static int webhook(WebClient web, TestEngine node, String sessionId) {
    String payload = new JsonObject().put("id", "evt_test_nginx_" + System.nanoTime()).put("object", "event")
        .put("type", "checkout.session.completed").put("data", new JsonObject().put("object", new JsonObject()
            .put("id", sessionId).put("object", "checkout.session").put("status", "complete")
            .put("payment_status", "paid"))).encode();
    String signature = StripeSignature.header(payload, node.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    return await(web.post("/api/webhooks/stripe").putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload))).statusCode();
  }

  private static double openStreams(TestEngine node) {
    return node.engine.registry().get("genpay.sse.open").gauge().value();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier check, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Debian's nginx with its own prefix, pid and temp directories, serving the committed conf on a free port. */
  static final class Nginx implements AutoCloseable {

    final int port;
    private final Process master;
    private final Path dir;

    private Nginx(int port, Process master, Path dir) {
      this.port = port;
      this.master = master;
      this.dir = dir;
    }

    /** The committed file with only its ports changed: the listen port and one upstream server per node. */
    static String render(String conf, int listenPort, int... nodePorts) {
      Matcher servers = UPSTREAM_SERVER.matcher(conf);
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (servers.find()) {
        if (i >= nodePorts.length) {
          throw new IllegalStateException("more upstream servers in the conf than nodes");
        }
        servers.appendReplacement(out, "$1127.0.0.1:" + nodePorts[i++]);
      }
      servers.appendTail(out);
      if (i != nodePorts.length) {
        throw new IllegalStateException("the conf lists " + i + " upstream servers, not " + nodePorts.length);
      }
      String rendered = out.toString().replaceFirst("(?m)^(\\s*)listen 80;", "$1listen 127.0.0.1:" + listenPort + ";");
      if (rendered.equals(out.toString())) {
        throw new IllegalStateException("no 'listen 80;' in the conf");
      }
      return rendered;
    }

    static Nginx start(Path dir, int... nodePorts) throws Exception {
      Files.createDirectories(dir);
      int port = TestEngine.freePort();
      Files.writeString(dir.resolve("genpay.conf"), render(Files.readString(CONF), port, nodePorts));
      Files.writeString(dir.resolve("nginx.conf"), """
          user root;
          worker_processes 1;
          pid %1$s/nginx.pid;
          error_log %1$s/error.log warn;
          events { worker_connections 1024; }
          http {
            access_log off;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            include %1$s/genpay.conf;
          }
          """.formatted(dir));
      Process master = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c",
          dir.resolve("nginx.conf").toString(), "-g", "daemon off;").redirectErrorStream(true)
          .redirectOutput(dir.resolve("out.log").toFile()).start();
      Nginx nginx = new Nginx(port, master, dir);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        if (!master.isAlive()) {
          throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("out.log")));
        }
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          return nginx;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline) {
            nginx.close();
            throw new IllegalStateException("nginx did not listen on " + port + " within 30 s");
          }
          Thread.sleep(50);
        }
      }
    }

    String errors() throws IOException {
      return Files.readString(dir.resolve("error.log"));
    }

    @Override
    public void close() throws Exception {
      master.destroy(); // SIGTERM: nginx's fast shutdown
      if (!master.waitFor(20, TimeUnit.SECONDS)) {
        master.destroyForcibly();
      }
    }
  }
}
