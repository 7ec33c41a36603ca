package genpay.generation;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import genpay.TestKeys;
import genpay.sessions.StageTimers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs of plans with the priority queue (pro, enterprise) go to jobs:generation:priority, which every worker
 * serves before jobs:generation, and which is claimed, acknowledged and recovered like the normal stream.
 * Jobs are queued while no worker runs; the test then deploys a worker on the same engine, after it listens.
 */
class PriorityQueueTest {

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("SANDBOX_GENERATION_SECONDS", "1",
        "FOLLOW_FIRST_DELAY_MS", "100", "FOLLOW_MAX_DELAY_MS", "300", "TRUSTED_PROXIES", "127.0.0.1",
        "GENERATION_WORKER", "false"));
    env.putAll(more);
    return env;
  }

  @Test
  void aProJobIsStartedBeforeTheFreeJobsQueuedAheadOfIt() throws Exception {
    // One job at a time: whichever job the worker takes first is the first the provider starts.
    try (TestEngine genpay = TestEngine.start(quick(Map.of("WORKER_MAX_IN_FLIGHT", "1")))) {
      // 40 jobs in the normal stream: 30 images of a free account and a card order of 10 videos.
      String free = SignIns.signIn(genpay);
      String freeAccount = accountId(genpay, free);
      grant(genpay, freeAccount, 20);
      List<String> freeFiles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        freeFiles.addAll(order(genpay, free, "a free image, batch " + i, 10));
      }
      String cardOrder = genpay.order(10, "ten videos paid by card");
      var processing = genpay.reaches(cardOrder, "processing");
      genpay.clickOnCheckoutPage(cardOrder, "paid");
      freeFiles.addAll(GenerationResilienceTest.fileIdsOf(await(processing.timeout(20, TimeUnit.SECONDS))));

      String pro = SignIns.signIn(genpay);
      setPlan(genpay, accountId(genpay, pro), "pro");
      String proFile = order(genpay, pro, "a pro image, queued last", 1).get(0);

      assertEquals(40, TestKeys.total(genpay.redis, Command.XLEN, TestKeys.allJobs()));
      assertEquals(1, length(genpay, TestKeys.priorityJobs(accountId(genpay, pro))));

      List<String> started = new CopyOnWriteArrayList<>();
      Promise<Void> twoStarted = Promise.promise();
      MessageConsumer<JsonObject> starts = genpay.engine.vertx().eventBus().consumer(Addresses.STATUS_CHANGED,
          message -> {
            JsonArray files = message.body().getJsonObject("session").getJsonArray("files");
            for (int i = 0; i < files.size(); i++) {
              JsonObject file = files.getJsonObject(i);
              if (!"pending".equals(file.getString("status")) && !started.contains(file.getString("id"))) {
                started.add(file.getString("id"));
              }
            }
            if (started.size() >= 2) {
              twoStarted.tryComplete();
            }
          });
      await(starts.completion());
      String worker = deployWorker(genpay);
      await(twoStarted.future().timeout(30, TimeUnit.SECONDS));
      starts.unregister();

      assertEquals(proFile, started.get(0), "the pro job goes first: " + started);
      assertTrue(freeFiles.contains(started.get(1)), "then the free jobs, in their turn: " + started);
      assertEquals(1, genpay.providerStarts(proFile));
      await(genpay.engine.vertx().undeploy(worker));
    }
  }

  @Test
  void aPriorityJobHeldByADeadWorkerIsClaimedAndAcknowledgedInItsStream() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("WORKER_CLAIM_IDLE_SECONDS", "1")))) {
      String pro = SignIns.signIn(genpay);
      setPlan(genpay, accountId(genpay, pro), "pro");
      String fileId = order(genpay, pro, "an image a dead worker took", 1).get(0);
      // A credit order lives in its account's shard, its jobs in that shard's streams.
      String priority = TestKeys.priorityJobs(accountId(genpay, pro));
      await(new JobQueue(genpay.redis, TestKeys.SHARDS, 3_000).streams().ensureGroups(List.of(priority)));
      Response taken = await(genpay.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(JobQueue.GROUP)
          .arg("dead-worker").arg("COUNT").arg(1).arg("STREAMS").arg(priority).arg(">")));
      assertEquals(1, taken.get(priority).size());
      assertEquals(1, pending(genpay, priority));

      var done = genpay.acknowledged(List.of(fileId));
      String worker = deployWorker(genpay);
      await(done.timeout(30, TimeUnit.SECONDS));

      assertEquals("completed", fileStatus(genpay, fileId));
      assertEquals(1, genpay.providerStarts(fileId));
      assertEquals(0, pending(genpay, priority));
      assertEquals(0, length(genpay, priority), "acknowledged entries are deleted");
      await(genpay.engine.vertx().undeploy(worker));
    }
  }

  @Test
  void aProJobLostWithThePriorityStreamIsQueuedAgainThere() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of("WORKER_CLAIM_IDLE_SECONDS", "1")))) {
      String pro = SignIns.signIn(genpay);
      setPlan(genpay, accountId(genpay, pro), "pro");
      String fileId = order(genpay, pro, "an image whose stream was lost", 1).get(0);
      String account = accountId(genpay, pro);
      String priority = TestKeys.priorityJobs(account);
      await(genpay.redis.send(Request.cmd(Command.DEL).arg(priority)));

      Map<Integer, List<String>> requeued = await(new JobQueue(genpay.redis, TestKeys.SHARDS, 3_000)
          .recoverLost(System.currentTimeMillis() + 1, 0, 100));
      assertEquals(Map.of(TestKeys.SHARDS.of(account), List.of(fileId)), requeued);
      assertEquals(1, length(genpay, priority), "back in the priority stream");
      assertEquals(0, length(genpay, TestKeys.jobs(account)));

      var done = genpay.acknowledged(List.of(fileId));
      String worker = deployWorker(genpay);
      await(done.timeout(30, TimeUnit.SECONDS));
      assertEquals("completed", fileStatus(genpay, fileId));
      assertEquals(0, length(genpay, priority));
      await(genpay.engine.vertx().undeploy(worker));
    }
  }

  /** A worker on the engine's own Vert.x, after the test listens: what GENERATION_WORKER=true would deploy. */
  private static String deployWorker(TestEngine genpay) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return await(genpay.engine.vertx().deployVerticle(new GenerationWorkerVerticle(genpay.settings(), registry,
        new StageTimers(registry))));
  }

  /** Orders {@code quantity} images with credits; answers the file ids in order. */
  private static List<String> order(TestEngine genpay, String session, String prompt, int quantity) {
    HttpResponse<Buffer> created = await(genpay.http.post("/api/generations")
        .putHeader("Cookie", "gp_session=" + session).putHeader("Origin", genpay.settings().appUrl())
        .sendJsonObject(new JsonObject().put("type", "image").put("prompt", prompt).put("quantity", quantity)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    List<String> ids = new ArrayList<>();
    created.bodyAsJsonObject().getJsonArray("files").forEach(file -> ids.add(((JsonObject) file).getString("id")));
    return ids;
  }

  private static String accountId(TestEngine genpay, String session) {
    HttpResponse<Buffer> answer = await(genpay.http.get("/api/account")
        .putHeader("Cookie", "gp_session=" + session).send());
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject().getString("id");
  }

  private static void setPlan(TestEngine genpay, String accountId, String plan) {
    await(genpay.redis.send(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg(plan)));
  }

  private static void grant(TestEngine genpay, String accountId, double credits) {
    JsonObject reply = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", accountId).put("type", "purchase").put("amount", credits)
            .put("sourceId", "cs_test_priority" + System.nanoTime()).put("description", "test top-up"))).body();
    assertEquals("applied", reply.getString("status"), reply.encode());
  }

  private static long length(TestEngine genpay, String stream) {
    return await(genpay.redis.send(Request.cmd(Command.XLEN).arg(stream))).toLong();
  }

  private static long pending(TestEngine genpay, String stream) {
    return await(genpay.redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(JobQueue.GROUP))).get(0).toLong();
  }

  private static String fileStatus(TestEngine genpay, String fileId) {
    HttpResponse<Buffer> file = await(genpay.http.get("/api/file/" + fileId).send());
    return file.statusCode() == 200 ? file.bodyAsJsonObject().getString("status") : null;
  }
}
