package genpay.generation;

import genpay.LaggingProxy;
import genpay.TestEngine;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import genpay.TestKeys;
import genpay.sessions.RedisKeys;
import genpay.sessions.Payment;
import genpay.sessions.ScriptResult;
import genpay.sessions.SessionRepository;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job queue under the failures a running engine meets: a read whose answer comes late, a stream or
 * group deleted, jobs lost before any worker read them, many live entries in front of a dead one, and the
 * garbage a long run leaves (acknowledged entries, consumers of dead nodes).
 */
class JobQueueRecoveryTest {

  private static final Vertx vertx = Vertx.vertx();

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("SANDBOX_GENERATION_SECONDS", "1",
        "FOLLOW_FIRST_DELAY_MS", "100", "FOLLOW_MAX_DELAY_MS", "300", "PROVIDER_REQUEST_TIMEOUT_MS", "1000"));
    env.putAll(more);
    return env;
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void jobsHandedOverByAReadWhoseAnswerCameLateAreFollowedAtOnce(@TempDir Path dataDir) throws Exception {
    EmbeddedRedis server = EmbeddedRedis.start(dataDir, 0, "everysec");
    LaggingProxy proxy = LaggingProxy.start(vertx, server.port());
    Redis direct = RedisClients.create(vertx, server.url(), "direct");
    // Claims would rescue the job only after 10 minutes: the worker must find it by itself.
    try (TestEngine genpay = TestEngine.start(quick(Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port(),
        "SANDBOX_STRIPE_WEBHOOKS", "false", "WORKER_CLAIM_IDLE_SECONDS", "600", "REDIS_TIMEOUT_MS", "500")))) {
      String sessionId = genpay.order(1, "a heron standing still");
      // Whichever read of the worker is under way gets the job, and its answer arrives after it gave up.
      proxy.holdAnswers(3_000);
      ScriptResult paid = await(new SessionRepository(direct, Clock.systemUTC(), 30).markPaid(sessionId, null, Payment.UNKNOWN));
      String fileId = paid.files().get(0).getString("id");

      await(genpay.acknowledged(List.of(fileId)).timeout(30, TimeUnit.SECONDS));
      assertEquals("completed", fileStatus(direct, sessionId, fileId));
      assertEquals(1, genpay.providerStarts(fileId));
    } finally {
      direct.close();
      proxy.close();
      server.stop();
    }
  }

  @Test
  void aDeletedJobStreamIsCreatedAgainAndNewOrdersStillRun() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of()))) {
      String first = genpay.order(1, "before the stream is lost");
      var firstDone = genpay.reaches(first, "completed", "error");
      genpay.clickOnCheckoutPage(first, "paid");
      assertEquals("completed", await(firstDone.timeout(30, TimeUnit.SECONDS)).getString("status"));

      deleteJobStreams(genpay.redis);

      String second = genpay.order(2, "after the stream is lost");
      var secondDone = genpay.reaches(second, "completed", "error");
      genpay.clickOnCheckoutPage(second, "paid");
      assertEquals("completed", await(secondDone.timeout(30, TimeUnit.SECONDS)).getString("status"));
    }
  }

  @Test
  void jobsDeletedBeforeAnyWorkerReadThemAreQueuedAgain() throws Exception {
    try (TestEngine cashier = TestEngine.start(quick(Map.of("GENERATION_WORKER", "false")))) {
      String sessionId = cashier.order(2, "lost in the stream");
      var processing = cashier.reaches(sessionId, "processing");
      cashier.clickOnCheckoutPage(sessionId, "paid");
      List<String> fileIds = GenerationResilienceTest.fileIdsOf(await(processing.timeout(20, TimeUnit.SECONDS)));
      deleteJobStreams(cashier.redis);

      try (TestEngine worker = TestEngine.start(quick(Map.of("REDIS_URL", cashier.settings().redisUrl(),
          "WORKER_CLAIM_IDLE_SECONDS", "1")))) {
        await(worker.acknowledged(fileIds).timeout(30, TimeUnit.SECONDS));
        for (String fileId : fileIds) {
          assertEquals("completed", fileStatus(worker.redis, sessionId, fileId));
          assertEquals(1, worker.providerStarts(fileId));
        }
        assertEquals("completed", await(worker.http.get("/api/webhook-status/" + sessionId).send())
            .bodyAsJsonObject().getString("status"));
      }
    }
  }

  @Test
  void aDeadWorkersJobBehindOverAThousandLiveOnesIsClaimed() throws Exception {
    try (TestEngine cashier = TestEngine.start(quick(Map.of("GENERATION_WORKER", "false")))) {
      Redis redis = cashier.redis;
      String sessionId = cashier.order(1, "behind a long queue");
      String stream = TestKeys.jobs(sessionId);
      await(new JobQueue(redis, TestKeys.SHARDS, 3_000).streams().ensureGroups(List.of(stream)));
      // 1500 entries a live worker follows, in front of the one a dead worker held (in the order's shard's stream).
      List<String> live = new ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        live.add(await(redis.send(Request.cmd(Command.XADD).arg(stream).arg("*")
            .arg("sessionId").arg("cs_test_live").arg("fileId").arg("live-" + i))).toString());
      }
      await(redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(JobQueue.GROUP).arg("live-worker")
          .arg("COUNT").arg(2_000).arg("STREAMS").arg(stream).arg(">")));
      var processing = cashier.reaches(sessionId, "processing");
      cashier.clickOnCheckoutPage(sessionId, "paid");
      String fileId = await(processing.timeout(20, TimeUnit.SECONDS)).getString("fileId");
      Response taken = await(redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(JobQueue.GROUP)
          .arg("dead-worker").arg("COUNT").arg(1).arg("STREAMS").arg(stream).arg(">")));
      String deadEntry = taken.get(stream).get(0).get(0).toString();
      await(redis.send(Request.cmd(Command.XCLAIM).arg(stream).arg(JobQueue.GROUP)
          .arg("dead-worker").arg(0).arg(deadEntry).arg("IDLE").arg(600_000).arg("JUSTID")));

      // The live worker keeps its entries fresh, as a real one does.
      long heartbeat = cashier.engine.vertx().setPeriodic(500, id -> {
        Request claim = Request.cmd(Command.XCLAIM).arg(stream).arg(JobQueue.GROUP)
            .arg("live-worker").arg(0);
        live.forEach(claim::arg);
        redis.send(claim.arg("JUSTID"));
      });
      try (TestEngine worker = TestEngine.start(quick(Map.of("REDIS_URL", cashier.settings().redisUrl(),
          "WORKER_CLAIM_IDLE_SECONDS", "5")))) {
        await(worker.acknowledged(List.of(fileId)).timeout(30, TimeUnit.SECONDS));
        assertEquals("completed", fileStatus(redis, sessionId, fileId));
      } finally {
        cashier.engine.vertx().cancelTimer(heartbeat);
      }
    }
  }

  @Test
  void acknowledgedJobsLeaveTheStreamAndConsumersOfGoneWorkersAreRemoved() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("WORKER_CLAIM_IDLE_SECONDS", "1")))) {
      // A worker of an earlier run that owns nothing any more, in one shard's stream.
      String watched = TestKeys.allJobs().get(0);
      await(new JobQueue(genpay.redis, TestKeys.SHARDS, 3_000).streams().ensureGroups(List.of(watched)));
      await(genpay.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(JobQueue.GROUP)
          .arg("worker-of-a-dead-node").arg("COUNT").arg(1).arg("STREAMS").arg(watched).arg(">")));
      List<String> fileIds = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String sessionId = genpay.order(2, "order " + i);
        var processing = genpay.reaches(sessionId, "processing");
        genpay.clickOnCheckoutPage(sessionId, "paid");
        fileIds.addAll(GenerationResilienceTest.fileIdsOf(await(processing.timeout(20, TimeUnit.SECONDS))));
      }
      await(genpay.acknowledged(fileIds).timeout(30, TimeUnit.SECONDS));
      assertEquals(0, TestKeys.total(genpay.redis, Command.XLEN, TestKeys.allJobStreams()), "acknowledged entries are deleted");
      assertEquals(0, TestKeys.total(genpay.redis, Command.ZCARD,
          TestKeys.SHARDS.tags().stream().map(RedisKeys::activeFiles).toList()));

      List<String> consumers = consumers(genpay.redis, watched);
      for (int check = 0; check < 100 && consumers.contains("worker-of-a-dead-node"); check++) {
        await(genpay.engine.vertx().timer(100));
        consumers = consumers(genpay.redis, watched);
      }
      assertEquals(1, consumers.size(), "only the running worker is left: " + consumers);
      assertTrue(consumers.get(0).startsWith("worker-"), consumers.toString());
    }
  }

  private static List<String> consumers(Redis redis, String stream) {
    List<String> names = new ArrayList<>();
    for (Response consumer : await(redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS")
        .arg(stream).arg(JobQueue.GROUP)))) {
      names.add(consumer.get("name").toString());
    }
    return names;
  }

  /** Every shard's generation streams are deleted, as an operator's mistake would. */
  static void deleteJobStreams(Redis redis) {
    for (String stream : TestKeys.allJobStreams()) {
      await(redis.send(Request.cmd(Command.DEL).arg(stream)));
    }
  }

  private static String fileStatus(Redis redis, String sessionId, String fileId) {
    Response status = await(redis.send(Request.cmd(Command.HGET).arg(TestKeys.file(sessionId, fileId)).arg("status")));
    return status == null ? null : status.toString();
  }
}
