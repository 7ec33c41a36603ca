package genpay.redis;

import genpay.config.RedisMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * genpay's Redis client on a real Redis Cluster (three masters, three replicas, Debian's redis-server): scripts
 * routed by their keys to every master, WAIT 1 answered by a replica, a replica that never answers counted and
 * not failed, and a master killed with -9 while the client keeps going once its replica took over.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterSmokeTest {

  private static final LuaScript COUNTER = LuaScript.fromResources("/lua-test/tagged_counter.lua").critical();
  private static final LuaScript PLAIN_COUNTER = LuaScript.fromResources("/lua-test/tagged_counter.lua");
  private static final int TAGS = 24;

  private static LocalRedisCluster cluster;
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() {
    cluster = LocalRedisCluster.start();
    vertx = Vertx.vertx();
    redis = RedisClients.create(vertx, RedisMode.CLUSTER, cluster.seeds(), "cluster-smoke");
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> keys(int tag) {
    return List.of("counter:{t" + tag + "}", "callers:{t" + tag + "}");
  }

  @Test
  @Order(1)
  void scriptsRunOnEveryMasterRoutedByTheirKeys() {
    Set<Integer> mastersUsed = new HashSet<>();
    for (int tag = 0; tag < TAGS; tag++) {
      List<String> keys = keys(tag);
      int slot = HashSlots.of(keys.get(0));
      assertEquals(String.valueOf(slot), cluster.cli(cluster.masters().get(0), "CLUSTER", "KEYSLOT", keys.get(0)).trim(),
          "genpay's hash slot of " + keys.get(0) + " is Redis's");
      mastersUsed.add(cluster.masterOf(slot));
      // First run: every node answers NOSCRIPT to the EVALSHA, then runs the EVAL; second run: EVALSHA.
      assertEquals(1, await(PLAIN_COUNTER.run(redis, keys, List.of("a"), 3_000)).toInteger());
      assertEquals(2, await(PLAIN_COUNTER.run(redis, keys, List.of("b"), 3_000)).toInteger());
      assertEquals(2, await(redis.send(Request.cmd(Command.SCARD).arg(keys.get(1)))).toInteger());
    }
    assertEquals(3, mastersUsed.size(), "the tags spread over all three masters");
    // Keys of two slots in one script: refused, never half-run.
    Throwable crossSlot = awaitFailure(PLAIN_COUNTER.run(redis, List.of("counter:{t0}", "callers:{t1}"),
        List.of("x"), 3_000));
    assertTrue(crossSlot.getMessage().contains("CROSSSLOT"), crossSlot.getMessage());
  }

  @Test
  @Order(2)
  void criticalWritesAreAcknowledgedByAReplica() {
    DurableWrites counts = DurableWrites.of(vertx);
    long before = counts.confirmed();
    for (int tag = 0; tag < TAGS; tag++) {
      Durability.Written written = await(COUNTER.runConfirmed(redis, keys(tag), List.of("c"), 3_000));
      assertEquals(3, written.response().toInteger(), "applied once, answered through the batch");
      assertEquals(1, written.replicas(), "WAIT 1 answered by the master's replica");
    }
    assertEquals(before + TAGS, counts.confirmed());
  }

  @Test
  @Order(3)
  void aReplicaThatNeverAnswersIsCountedNotFailed() {
    List<String> keys = keys(0);
    int master = cluster.masterOf(HashSlots.of(keys.get(0)));
    int replica = cluster.replicaOf(master);
    DurableWrites counts = DurableWrites.of(vertx);
    long unconfirmed = counts.unconfirmed();
    cluster.freeze(replica, true);
    try {
      Durability.Written written = await(COUNTER.runConfirmed(redis, keys, List.of("d"), 400));
      assertEquals(0, written.replicas(), "no replica acknowledged within the wait");
      assertEquals(4, written.response().toInteger(), "the write stands and its answer comes back");
    } finally {
      cluster.freeze(replica, false);
    }
    assertEquals(unconfirmed + 1, counts.unconfirmed());
    assertEquals("4", await(redis.send(Request.cmd(Command.HGET).arg(keys.get(0)).arg("n"))).toString());
  }

  @Test
  @Order(4)
  void aMasterKilledMidRunIsReplacedByItsReplicaAndTheClientCarriesOn() {
    cluster.awaitHealthy();
    List<String> keys = keys(1);
    int slot = HashSlots.of(keys.get(0));
    int doomed = cluster.masterOf(slot);
    Durability.Written acknowledged = await(COUNTER.runConfirmed(redis, keys, List.of("before-kill"), 3_000));
    assertEquals(1, acknowledged.replicas());
    long countBefore = acknowledged.response().toLong();

    cluster.kill(doomed);
    LocalRedisCluster.awaitTrue(() -> {
      try {
        return cluster.masterOf(slot) != doomed;
      } catch (IllegalStateException notYet) {
        return false;
      }
    }, "the replica of " + doomed + " to take its slots");
    assertNotEquals(doomed, cluster.masterOf(slot));

    // The client learns the new slot map by itself (MOVED, its 1 s refresh): writes succeed again on every tag.
    for (int tag = 0; tag < TAGS; tag++) {
      List<String> tagKeys = keys(tag);
      long value = await(retrying(() -> COUNTER.run(redis, tagKeys, List.of("after-kill"), 3_000))).toLong();
      if (tag == 1) {
        assertEquals(countBefore + 1, value, "the write a replica acknowledged before the kill survived it");
      }
    }
  }

  /** Tries again while the cluster is mid-failover (connections refused, CLUSTERDOWN), for up to 30 s. */
  private static <T> Future<T> retrying(java.util.function.Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    long deadline = System.currentTimeMillis() + 30_000;
    attempt(action, deadline, result, new ArrayList<>());
    return result.future();
  }

  private static <T> void attempt(java.util.function.Supplier<Future<T>> action, long deadline, Promise<T> result,
                                  List<String> failures) {
    action.get().onSuccess(result::complete).onFailure(failure -> {
      failures.add(failure.getMessage());
      if (System.currentTimeMillis() > deadline) {
        result.fail(new IllegalStateException("still failing after the failover: " + failures));
      } else {
        vertx.setTimer(100, id -> attempt(action, deadline, result, failures));
      }
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected a failure");
  }
}
