package genpay.admin;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import genpay.sessions.StatusEvents;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The admin stream's CPU cost per change (scripts/bench-admin; skipped unless -Dbench.admin=true). The same
 * changes are published on the engine's bus with no admin watching and with {@code admins} admins each reading
 * /api/admin/events with curl (other processes, so only the engine's work is in this JVM's CPU time); the
 * difference per change is what the admin streams cost. Every admin must have received every change.
 */
class AdminStreamBench {

  private static final int ADMINS = Integer.getInteger("bench.admins", 10);
  private static final int CHANGES = Integer.getInteger("bench.changes", 20_000);
  private static final int PER_TICK = 20;
  private static final long TICK_MS = 10;

  @Test
  void adminStreamCostPerChange() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("bench.admin"), "a bench: run by scripts/bench-admin");
    String email = "bench.admin@example.test";
    try (TestEngine genpay = TestEngine.start(Map.of("ADMIN_EMAILS", email))) {
      String cookie = SignIns.signIn(genpay, email);
      EventBus bus = genpay.engine.vertx().eventBus();
      publish(genpay, bus, CHANGES, "warm-up-none");
      double none1 = cpuPerChangeMicros(genpay, bus, "none-1");
      double none2 = cpuPerChangeMicros(genpay, bus, "none-2");

      List<Process> admins = new ArrayList<>();
      List<Path> outputs = new ArrayList<>();
      for (int i = 0; i < ADMINS; i++) {
        Path out = Files.createTempFile("admin-stream-", ".sse");
        outputs.add(out);
        admins.add(new ProcessBuilder("curl", "-sN", "-H", "Cookie: gp_session=" + cookie,
            "http://127.0.0.1:" + genpay.port + "/api/admin/events").redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start());
      }
      try {
        awaitEvents(outputs, "event: ready", 1);
        publish(genpay, bus, CHANGES, "warm-up-admins");
        awaitEvents(outputs, "event: order", CHANGES);
        double with1 = cpuPerChangeMicros(genpay, bus, "admins-1");
        awaitEvents(outputs, "event: order", 2L * CHANGES);
        double with2 = cpuPerChangeMicros(genpay, bus, "admins-2");
        awaitEvents(outputs, "event: order", 3L * CHANGES);
        double none = Math.min(none1, none2);
        double with = Math.min(with1, with2);
        System.out.printf("%nADMIN STREAM BENCH: %d changes per run, %d admins watching, %d cores%n"
                + "  engine CPU per change, no admin watching: %.1f us (runs %.1f, %.1f)%n"
                + "  engine CPU per change, %d admins watching: %.1f us (runs %.1f, %.1f)%n"
                + "  admin stream cost per change: %.1f us (%.2f us per admin); every admin got all %d changes%n",
            CHANGES, ADMINS, Runtime.getRuntime().availableProcessors(), none, none1, none2, ADMINS, with, with1,
            with2, with - none, (with - none) / ADMINS, 3 * CHANGES);
      } finally {
        admins.forEach(Process::destroy);
      }
    }
  }

  /** CPU time of this JVM per change over one run of the changes (which waits until their delivery). */
  private static double cpuPerChangeMicros(TestEngine genpay, EventBus bus, String run) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.gc();
    long before = os.getProcessCpuTime();
    publish(genpay, bus, CHANGES, run);
    long after = os.getProcessCpuTime();
    return (after - before) / 1000.0 / CHANGES;
  }

  /** {@code count} changes of distinct orders, at a steady pace from an event loop, like a busy engine's. */
  private static void publish(TestEngine genpay, EventBus bus, int count, String run) {
    Promise<Void> done = Promise.promise();
    int[] sent = {0};
    genpay.engine.vertx().runOnContext(start -> genpay.engine.vertx().setPeriodic(TICK_MS, timer -> {
      for (int i = 0; i < PER_TICK && sent[0] < count; i++, sent[0]++) {
        bus.publish(Addresses.STATUS_CHANGED, change(run + "x" + sent[0], sent[0]));
      }
      if (sent[0] >= count) {
        genpay.engine.vertx().cancelTimer(timer);
        // Once the bus has delivered everything published before this point.
        genpay.engine.vertx().setTimer(500, later -> done.complete());
      }
    }));
    await(done.future(), 600);
  }

  /** A session snapshot of two files, the size of a real change (no prompt). */
  private static JsonObject change(String id, int n) {
    JsonArray files = new JsonArray();
    for (int i = 0; i < 2; i++) {
      files.add(new JsonObject().put("id", UUID.nameUUIDFromBytes((id + i).getBytes()).toString())
          .put("status", "in_progress").put("progress", n % 100).putNull("url").putNull("thumbnail_url")
          .put("type", "video").putNull("error").putNull("refund"));
    }
    JsonObject session = new JsonObject().put("sessionId", "cs_test_bench" + id.replaceAll("[^A-Za-z0-9]", ""))
        .put("status", "processing").put("fileId", files.getJsonObject(0).getString("id")).put("files", files)
        .putNull("error").putNull("refunded").put("toolSlug", "veo3-video").put("toolTitle", "Veo 3 video")
        .put("videoCount", 2).put("type", "video").put("timestamp", System.currentTimeMillis()).put("version", 3 + n);
    return StatusEvents.sessionChanged(session, System.currentTimeMillis());
  }

  private static void awaitEvents(List<Path> outputs, String line, long count) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    for (Path out : outputs) {
      while (countLines(out, line) < count) {
        if (System.currentTimeMillis() > deadline) {
          assertEquals(count, countLines(out, line), "events received by " + out);
        }
        Thread.sleep(100);
      }
    }
  }

  private static long countLines(Path out, String line) throws Exception {
    try (var lines = Files.lines(out)) {
      return lines.filter(line::equals).count();
    }
  }
}
