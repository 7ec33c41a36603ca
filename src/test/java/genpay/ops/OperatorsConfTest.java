package genpay.ops;

import genpay.TestEngine;
import genpay.TestKeys;
import genpay.config.Addresses;
import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;
import genpay.stripe.StripeSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operators' files under conf/ against running engines: the alert rules pass promtool and each one's
 * condition, raised on a running engine, makes a real Prometheus (scraping /metrics) hold the alert; the
 * Grafana dashboard queries only metrics an engine exports.
 */
class OperatorsConfTest {

  static final Path ALERTS = Path.of("conf/prometheus/alerts.yml");
  static final Path DASHBOARD = Path.of("conf/grafana/genpay.json");
  /** A metric name in PromQL: not a function (followed by "("), a label (followed by "=") or a keyword. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:genpay|vertx|jvm|process|up)[a-zA-Z0-9_:]*)\\b(?!\\s*\\()");

  @Test
  void alertRulesPassPromtool() throws Exception {
    Process check = new ProcessBuilder("promtool", "check", "rules", ALERTS.toString()).redirectErrorStream(true)
        .start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, check.waitFor(), out);
    assertTrue(out.contains("SUCCESS: 10 rules found"), out);
  }

  @Test
  void eachAlertHoldsWhenItsConditionIsRaisedOnARunningEngine(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    // W generates (every video fails at the provider, every card refund meets a Stripe 500); Q runs no worker, so
    // its queue is nobody's, and its Redis is the one paused.
    TestEngine w = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "SANDBOX_PROVIDER_FAULTS", "fail=1",
        "SANDBOX_STRIPE_FAULTS", "refund_error=1", "REFUND_RETRY_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "100",
        "FOLLOW_MAX_DELAY_MS", "300"));
    TestEngine q = TestEngine.start(Map.of("GENERATION_WORKER", "false", "REDIS_TIMEOUT_MS", "1000",
        "REFUND_RETRY_SECONDS", "1"));
    boolean qClosed = false;
    List<Socket> stalled = new ArrayList<>();
    try (PrometheusServer prometheus = PrometheusServer.start(dir, ALERTS, List.of(w.port, q.port))) {
      List<JsonObject> rules = prometheus.rules();
      Set<String> names = new TreeSet<>();
      rules.forEach(rule -> names.add(rule.getString("name")));
      assertEquals(10, names.size(), "every rule of the file loaded: " + names);

      // Before anything is raised: both nodes scraped, every rule evaluated over them, nothing active.
      awaitTrue(() -> prometheus.query("count(up{job=\"genpay\"} == 1) == 2").size() == 1, "both nodes scraped");
      long scraped = System.currentTimeMillis();
      awaitTrue(() -> prometheus.rules().stream().allMatch(rule -> "ok".equals(rule.getString("health"))
          && java.time.Instant.parse(rule.getString("lastEvaluation")).toEpochMilli() > scraped + 1_500),
          "every rule evaluated on the scraped nodes");
      assertEquals(new JsonArray(), prometheus.activeAlerts(), "nothing active before any condition is raised");

      // Jobs queued an hour ago on Q: one no worker took (lag), one a worker took and never finished (stuck).
      long hourAgo = System.currentTimeMillis() - 3_600_000;
      await(q.redis.send(Request.cmd(Command.XADD).arg(TestKeys.jobs("cs_test_nobodys")).arg(hourAgo + "-0")
          .arg("sessionId").arg("cs_test_nobodys").arg("fileId").arg(UUID.randomUUID().toString())));
      await(q.redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(TestKeys.priorityJobs("cs_test_stuck"))
          .arg("generation").arg("0").arg("MKSTREAM")));
      await(q.redis.send(Request.cmd(Command.XADD).arg(TestKeys.priorityJobs("cs_test_stuck")).arg(hourAgo + "-0")
          .arg("sessionId").arg("cs_test_stuck").arg("fileId").arg(UUID.randomUUID().toString())));
      await(q.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("generation").arg("a-worker-that-hangs")
          .arg("COUNT").arg(1).arg("STREAMS").arg(TestKeys.priorityJobs("cs_test_stuck")).arg(">")));

      // W: three videos paid on the checkout page, all failing at the provider, their refunds meeting Stripe 500s.
      String failing = w.order(3, "three videos the provider fails");
      var failed = w.reaches(failing, "error");
      w.clickOnCheckoutPage(failing, "paid");
      await(failed.timeout(60, TimeUnit.SECONDS), 70);

      // Q: an order of ten paid with a payment Stripe does not know, watched by eight readers that stop reading
      // while its files change a thousand times; its first file then fails, and its refund is refused.
      String watched = q.order(10, "ten videos watched by readers that stop reading");
      var paid = q.reaches(watched, "processing");
      assertEquals(200, webhook(q, watched, "pi_test_stripe_never_made"));
      JsonObject session = await(paid.timeout(20, TimeUnit.SECONDS));
      for (int i = 0; i < 8; i++) {
        stalled.add(stalledReader(q, watched));
      }
      String longUrl = "http://127.0.0.1/clip.mp4?signature=" + "x".repeat(2_000);
      for (int progress = 1; progress < 100; progress++) {
        for (int file = 0; file < 10; file++) {
          update(q, session, file, FileStatus.IN_PROGRESS, progress, longUrl);
        }
      }
      update(q, session, 0, FileStatus.FAILED, 99, "");

      // Q: webhooks with bad signatures (a rotated secret not configured).
      for (int i = 0; i < 6; i++) {
        assertEquals(400, await(q.http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", "t=1,v1=bad")
            .sendBuffer(Buffer.buffer("{\"id\":\"evt_bad\"}"))).statusCode());
      }

      Set<String> seen = new LinkedHashSet<>();
      for (String alert : List.of("GenpayJobQueueLag", "GenpayJobStuck", "GenpayGenerationFailureRate",
          "GenpayRefundsRetrying", "GenpayRefundRefused", "GenpayWebhooksRejected", "GenpaySseDrops")) {
        awaitAlert(prometheus, alert);
        seen.add(alert);
      }

      // Every metric a rule reads is on the nodes' /metrics (read before Q goes away).
      Set<String> exported = new TreeSet<>(exportedNames(w));
      exported.addAll(exportedNames(q));
      for (JsonObject rule : rules) {
        for (String metric : metricsOf(rule.getString("query"))) {
          assertTrue("up".equals(metric) || exported.contains(metric),
              rule.getString("name") + " reads " + metric + ", which no node exports");
        }
      }

      // Q's Redis stops answering for 20 s; a webhook meanwhile is answered 503 (not stored, Stripe retries).
      String pending = q.order(1, "paid while Redis is paused");
      await(q.redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(20_000)));
      assertEquals(503, webhook(q, pending, "pi_test_paused"));
      for (String alert : List.of("GenpayRedisDown", "GenpayWebhooksNotStored")) {
        awaitAlert(prometheus, alert);
        seen.add(alert);
      }

      // Q stops.
      q.close();
      qClosed = true;
      awaitAlert(prometheus, "GenpayNodeDown");
      seen.add("GenpayNodeDown");

      assertEquals(names, new TreeSet<>(seen), "every alert of the file was raised");
      System.out.printf("every alert raised and seen by Prometheus in %d s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    } finally {
      for (Socket socket : stalled) {
        socket.setSoLinger(true, 0);
        socket.close();
      }
      w.close();
      if (!qClosed) {
        q.close();
      }
    }
  }

  @Test
  void theDashboardQueriesOnlyMetricsAnEngineExports() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    collectExpressions(dashboard, expressions);
    assertTrue(expressions.size() >= 12, "a panel per stage, webhooks, generations, streams, Redis: " + expressions);
    Set<String> queried = new TreeSet<>();
    expressions.forEach(expr -> queried.addAll(metricsOf(expr)));
    queried.remove("up"); // Prometheus's own, per scraped node
    for (String family : List.of("genpay_stage_seconds", "genpay_webhooks_total", "genpay_generations_total",
        "genpay_sse_open", "genpay_redis_up", "genpay_jobs_waiting")) {
      assertTrue(queried.contains(family), "the dashboard shows " + family + ": " + queried);
    }
    // One order made and watched end to end, and one bad webhook: the series the dashboard reads exist.
    try (TestEngine engine = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS",
        "100", "FOLLOW_MAX_DELAY_MS", "300"))) {
      String sessionId = engine.order(1, "a dashboard's first order");
      var done = engine.reaches(sessionId, "completed");
      engine.clickOnCheckoutPage(sessionId, "paid");
      await(done.timeout(60, TimeUnit.SECONDS), 70);
      assertEquals(400, await(engine.http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", "t=1,v1=bad")
          .sendBuffer(Buffer.buffer("{}"))).statusCode());
      awaitTrue(() -> exportedNames(engine).contains("genpay_jobs_waiting"), "the probe has read the queues");
      Set<String> exported = exportedNames(engine);
      Set<String> missing = new TreeSet<>(queried);
      missing.removeAll(exported);
      assertEquals(Set.of(), missing, "every metric the dashboard queries is exported");
    }
  }

  private static void collectExpressions(Object node, List<String> into) {
    if (node instanceof JsonObject object) {
      if (object.getValue("expr") instanceof String expr) {
        into.add(expr);
      }
      object.forEach(entry -> collectExpressions(entry.getValue(), into));
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collectExpressions(item, into));
    }
  }

  /** Metric names in a PromQL expression, label names and values left out. */
  static Set<String> metricsOf(String promql) {
    String bare = promql.replaceAll("\\{[^}]*}", "").replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(bare);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** The metric names on an engine's /metrics, as Prometheus stores them. */
  static Set<String> exportedNames(TestEngine engine) {
    String text = await(engine.http.get("/metrics").send()).bodyAsString();
    Set<String> names = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** Until Prometheus has held the alert (pending or firing) at some moment of the last ten minutes. */
  private static void awaitAlert(PrometheusServer prometheus, String alert) throws Exception {
    awaitTrue(() -> !prometheus.query("max_over_time(ALERTS{alertname=\"" + alert + "\"}[10m])").isEmpty(),
        alert + " held by Prometheus");
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 90 s: " + what);
      }
      Thread.sleep(250);
    }
  }

  private static int webhook(TestEngine engine, String sessionId, String paymentIntent) {
    String payload = new JsonObject().put("id", "evt_test_ops_" + System.nanoTime()).put("object", "event")
        .put("type", "checkout.session.completed").put("data", new JsonObject().put("object", new JsonObject()
            .put("id", sessionId).put("object", "checkout.session").put("status", "complete")
            .put("payment_status", "paid").put("payment_intent", paymentIntent))).encode();
    String signature = StripeSignature.header(payload, engine.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    return await(engine.http.post("/api/webhooks/stripe").putHeader("Stripe-Signature", signature)
        .sendBuffer(Buffer.buffer(payload))).statusCode();
  }

  private static void update(TestEngine engine, JsonObject session, int file, FileStatus status, int progress,
                             String url) {
    String fileId = session.getJsonArray("files").getJsonObject(file).getString("id");
    await(engine.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE, new FileUpdate(fileId,
        session.getString("sessionId"), status, progress, url, "", status == FileStatus.FAILED ? "the provider failed" : "", "")
        .toJson()));
  }

  /** A stream whose reader asks, then never reads: small buffers, so the server's queue fills. */
  private static Socket stalledReader(TestEngine engine, String sessionId) throws IOException {
    Socket reader = new Socket();
    reader.setReceiveBufferSize(4096);
    reader.connect(new java.net.InetSocketAddress("127.0.0.1", engine.port));
    reader.getOutputStream().write(("GET /api/events/session/" + sessionId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    reader.getOutputStream().flush();
    return reader;
  }
}
