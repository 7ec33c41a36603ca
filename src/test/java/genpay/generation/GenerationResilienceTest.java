package genpay.generation;

import genpay.ChildEngine;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.redis.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults at the provider, a worker that dies mid-job, a job that never ends, and Redis going away. */
class GenerationResilienceTest {

  private static final Vertx vertx = Vertx.vertx();

  private static final Map<String, String> QUICK = Map.of("SANDBOX_GENERATION_SECONDS", "1",
      "FOLLOW_FIRST_DELAY_MS", "200", "FOLLOW_MAX_DELAY_MS", "500", "PROVIDER_REQUEST_TIMEOUT_MS", "500");

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(QUICK);
    env.putAll(more);
    return env;
  }

  @Test
  void fiftyOrdersCompleteThroughInjectedFaultsEachStartedOnce() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("SANDBOX_PROVIDER_FAULTS", "5xx=0.3,429=0.2,timeout=0.1")))) {
      List<Future<JsonObject>> ends = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String sessionId = genpay.order(1 + i % 2, "storm over the sea, take " + i);
        ends.add(genpay.reaches(sessionId, "completed", "error"));
        genpay.clickOnCheckoutPage(sessionId, "paid");
      }
      await(Future.all(ends).timeout(150, TimeUnit.SECONDS), 160);
      List<String> fileIds = new ArrayList<>();
      for (Future<JsonObject> end : ends) {
        JsonObject session = end.result();
        assertEquals("completed", session.getString("status"), session.encode());
        fileIds.addAll(fileIdsOf(session));
      }
      assertEquals(75, fileIds.size());
      for (String fileId : fileIds) {
        assertEquals(1, genpay.providerStarts(fileId), "never started twice: " + fileId);
      }
      await(genpay.acknowledged(fileIds).timeout(30, TimeUnit.SECONDS));
      assertEquals(0, genpay.pendingJobs());
    }
  }

  @Test
  void aJobWhoseWorkerIsKilledIsFinishedByAnotherStartedOnce(@TempDir Path dataDir) throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(dataDir, 0, "everysec");
    try {
      Map<String, String> shared = quick(Map.of("REDIS_URL", redis.url(), "SANDBOX_GENERATION_SECONDS", "3",
          "WORKER_CLAIM_IDLE_SECONDS", "1"));
      String sessionId;
      try (ChildEngine doomed = ChildEngine.start(shared)) {
        doomed.whenLogged("genpay ready").get(60, TimeUnit.SECONDS);
        WebClient http = WebClient.create(vertx);
        var created = await(http.post(doomed.port, "127.0.0.1", "/api/create-checkout")
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "a lantern in fog")));
        sessionId = created.bodyAsJsonObject().getString("sessionId");
        var startedAtProvider = doomed.whenLogged("started at the provider");
        await(http.post(doomed.port, "127.0.0.1", "/sandbox/stripe/pay/" + sessionId + "/complete")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(io.vertx.core.buffer.Buffer.buffer("outcome=paid")));
        startedAtProvider.get(30, TimeUnit.SECONDS);
        doomed.kill();
      }
      try (TestEngine survivor = TestEngine.start(shared)) {
        var done = survivor.reaches(sessionId, "completed", "error");
        JsonObject session = await(done.timeout(30, TimeUnit.SECONDS));
        assertEquals("completed", session.getString("status"));
        String fileId = session.getString("fileId");
        assertEquals(1, survivor.providerStarts(fileId), "resumed from the stored provider id, not restarted");
        await(survivor.acknowledged(List.of(fileId)).timeout(30, TimeUnit.SECONDS));
        assertEquals(0, survivor.pendingJobs());
      }
    } finally {
      redis.stop();
    }
  }

  @Test
  void aJobPastItsDeadlineEndsTimeoutWithAReason() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("SANDBOX_GENERATION_SECONDS", "120",
        "GENERATION_TIMEOUT_SECONDS", "2")))) {
      String sessionId = genpay.order(2, "a glacier calving, slowly");
      var ended = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      JsonObject session = await(ended.timeout(30, TimeUnit.SECONDS));
      assertEquals("error", session.getString("status"));
      for (int f = 0; f < 2; f++) {
        JsonObject file = session.getJsonArray("files").getJsonObject(f);
        assertEquals("timeout", file.getString("status"));
        assertTrue(file.getString("error").contains("not ready within"), file.getString("error"));
      }
      await(genpay.acknowledged(fileIdsOf(session)).timeout(30, TimeUnit.SECONDS));
      assertEquals(0, genpay.pendingJobs());
    }
  }

  @Test
  void redisRestartedMidRunLosesNothing() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("SANDBOX_GENERATION_SECONDS", "3")))) {
      String sessionId = genpay.order(2, "fireflies over a meadow");
      var processing = genpay.reaches(sessionId, "processing");
      var ended = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      String fileId = await(processing.timeout(20, TimeUnit.SECONDS)).getString("fileId");
      awaitFileStatus(genpay, fileId, "in_progress");
      genpay.engine.embeddedRedis().stop();
      genpay.engine.embeddedRedis().restart();
      JsonObject session = await(ended.timeout(60, TimeUnit.SECONDS), 70);
      assertEquals("completed", session.getString("status"));
      await(genpay.acknowledged(fileIdsOf(session)).timeout(30, TimeUnit.SECONDS));
      assertEquals(0, genpay.pendingJobs());
    }
  }

  static List<String> fileIdsOf(JsonObject session) {
    List<String> ids = new ArrayList<>();
    for (int f = 0; f < session.getJsonArray("files").size(); f++) {
      ids.add(session.getJsonArray("files").getJsonObject(f).getString("id"));
    }
    return ids;
  }

  /** Waits for the file's own change event (never polls). */
  private static void awaitFileStatus(TestEngine genpay, String fileId, String status) {
    io.vertx.core.Promise<Void> reached = io.vertx.core.Promise.promise();
    var consumer = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.STATUS_CHANGED);
    consumer.handler(message -> {
      JsonObject file = message.body().getJsonObject("file");
      if (file != null && fileId.equals(file.getString("id")) && status.equals(file.getString("status"))) {
        reached.tryComplete();
      }
    });
    await(consumer.completion());
    // It may have happened before we listened: the stored file says so too.
    var stored = await(genpay.http.get("/api/file/" + fileId).send()).bodyAsJsonObject();
    if (!status.equals(stored.getString("status"))) {
      await(reached.future().timeout(20, TimeUnit.SECONDS));
    }
    consumer.unregister();
  }
}
