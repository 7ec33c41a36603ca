package genpay.generation;

import genpay.TestEngine;
import genpay.redis.EmbeddedRedis;
import genpay.redis.LocalRedisCluster;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the queue probe reads from one job stream, and what each answer costs, on the embedded Redis (6.2) and on
 * Debian's (7): the probe asks every stream of every shard every few seconds, so an idle stream must be cheap.
 */
class JobQueueDepthTest {

  private static final long QUEUED_AT = 1_700_000_000_000L;

  @TempDir
  static Path dataDir;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void onTheEmbeddedRedisAnIdleStreamCostsTwoCalls() {
    EmbeddedRedis server = EmbeddedRedis.start(dataDir.resolve("embedded"), 0, "everysec");
    try {
      followOneJob(server.url(), 2);
    } finally {
      server.stop();
    }
  }

  @Test
  void onRedis7AnIdleStreamCostsOneCall() throws Exception {
    int port = TestEngine.freePort();
    Process server = new ProcessBuilder(LocalRedisCluster.REDIS_SERVER, "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dataDir.toString())
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("redis7.log").toFile()).start();
    try {
      followOneJob("redis://127.0.0.1:" + port, 1);
    } finally {
      server.destroy();
      assertTrue(server.waitFor(10, TimeUnit.SECONDS));
    }
  }

  /** A job queued, taken, then acknowledged and deleted, with the depth and the probe's calls at each step. */
  private static void followOneJob(String url, long idleCalls) {
    Redis redis = RedisClients.create(vertx, url, "depth-test");
    try {
      await(answers(redis, 50), 15);
      JobQueue queue = new JobQueue(redis, new Shards(1), 3_000);
      String stream = "jobs:{s0}:generation";
      assertEquals(QueueDepth.EMPTY, await(queue.depth(stream)), "no stream yet");
      send(redis, Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(JobQueue.GROUP).arg("$").arg("MKSTREAM"));
      assertEquals(QueueDepth.EMPTY, depthCounted(redis, queue, stream, idleCalls), "a worker's empty stream");

      send(redis, Request.cmd(Command.XADD).arg(stream).arg(QUEUED_AT + "-0").arg("fileId").arg("f1"));
      assertEquals(new QueueDepth(1, QUEUED_AT, 0, -1), depthCounted(redis, queue, stream, 3),
          "queued, no worker took it yet");

      send(redis, Request.cmd(Command.XREADGROUP).arg("GROUP").arg(JobQueue.GROUP).arg("worker-1").arg("COUNT").arg(1)
          .arg("STREAMS").arg(stream).arg(">"));
      assertEquals(new QueueDepth(0, -1, 1, QUEUED_AT), depthCounted(redis, queue, stream, 4),
          "taken, not acknowledged");

      send(redis, Request.cmd(Command.XACK).arg(stream).arg(JobQueue.GROUP).arg(QUEUED_AT + "-0"));
      send(redis, Request.cmd(Command.XDEL).arg(stream).arg(QUEUED_AT + "-0"));
      assertEquals(QueueDepth.EMPTY, depthCounted(redis, queue, stream, idleCalls), "acknowledged and deleted: idle");
    } finally {
      redis.close();
    }
  }

  /** A server just started answers a PING within {@code tries} fifths of a second. */
  private static Future<Void> answers(Redis redis, int tries) {
    return redis.send(Request.cmd(Command.PING)).<Void>mapEmpty().recover(down -> tries <= 1 ? Future.failedFuture(down)
        : vertx.timer(200).compose(v -> answers(redis, tries - 1)));
  }

  private static void send(Redis redis, Request request) {
    await(redis.send(request));
  }

  private static QueueDepth depthCounted(Redis redis, JobQueue queue, String stream, long expectedCalls) {
    send(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
    QueueDepth depth = await(queue.depth(stream));
    assertEquals(expectedCalls, streamCalls(redis), "calls the probe made for " + depth);
    return depth;
  }

  /** Calls of the commands the probe uses since the last reset (6.2 names XINFO alone, 7 with its subcommand). */
  private static long streamCalls(Redis redis) {
    String stats = await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    long calls = 0;
    for (String line : stats.split("\r?\n")) {
      if (line.matches("cmdstat_(xinfo|xinfo\\|groups|xlen|xpending|xrange):calls=\\d+,.*")) {
        calls += Long.parseLong(line.replaceAll(".*:calls=(\\d+),.*", "$1"));
      }
    }
    return calls;
  }
}
