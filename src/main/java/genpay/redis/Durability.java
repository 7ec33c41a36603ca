package genpay.redis;

import genpay.config.RedisMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Critical writes (a payment applied, a ledger entry, a refund owed) followed by {@code WAIT 1 <ms>} on the very
 * connection that made them, when their master has a replica: a failover then promotes a replica that holds them.
 *
 * <p>How the WAIT reaches the right node: the script and the WAIT go as one batch, pipelined on one connection.
 * The client routes a batch by its keys (the script's KEYS) to that slot's master, so the WAIT runs on the node
 * and the connection that ran the script, and counts replicas that acknowledged that connection's last write.
 *
 * <p>What it guarantees: an answer of 1 means a replica had received the write when the caller was told it was
 * done, so losing the master then loses nothing acknowledged, as long as that replica is the one promoted (Redis
 * Cluster promotes the replica with the most data). What not: replication stays asynchronous; WAIT does not
 * make the replica fsync, and a write is not rolled back when no replica answers in time. Then the write stands
 * on the master, the call still succeeds, a warning is logged and {@code genpay_redis_durable_writes_total
 * {outcome="unconfirmed"}} counts it: a failover before the replica caught up could lose that one write.
 * Where the master has no replica (the embedded Redis, a cluster whose master lost its replica) nothing is waited
 * for.
 */
public final class Durability {

  private static final Logger LOG = LoggerFactory.getLogger(Durability.class);
  /** How long a learned topology is trusted before it is read again in the background. */
  static final long REFRESH_MS = 5_000;
  /** A WAIT never holds a critical write longer than this. */
  static final long MAX_WAIT_MS = 1_000;

  /** What the write answered, and how many replicas acknowledged it: {@link #NOT_ASKED} when none was asked. */
  public record Written(Response response, int replicas) {
    public boolean confirmed() {
      return replicas > 0;
    }
  }

  public static final int NOT_ASKED = -1;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisMode mode;
  private final DurableWrites counts;
  private final AtomicReference<Future<Topology>> topology = new AtomicReference<>();
  private volatile long loadedAt;

  Durability(Vertx vertx, Redis redis, RedisMode mode) {
    this.vertx = vertx;
    this.redis = redis;
    this.mode = mode;
    this.counts = vertx == null ? new DurableWrites() : DurableWrites.of(vertx);
  }

  /** For a client of unknown topology: writes go alone, nothing is waited for. */
  static Durability neverWaiting(Redis redis) {
    return new Durability(null, redis, null);
  }

  /**
   * Sends {@code write} (whose first key names its slot), then WAIT 1 on the same connection when its master has
   * a replica. {@code onNoScript} replaces it once when Redis answers NOSCRIPT (an EVAL for an EVALSHA), or null.
   * Fails only when the write itself fails; a WAIT that times out or fails is reported, not failed.
   */
  public Future<Written> write(List<String> keys, Request write, Request onNoScript, long timeoutMs) {
    String key = keys.isEmpty() ? null : keys.get(0);
    return replicasFor(key).compose(replicas -> {
      if (replicas == 0) {
        counts.withoutReplica.incrementAndGet();
        return plain(write, onNoScript, timeoutMs).map(response -> new Written(response, NOT_ASKED));
      }
      long waitMs = Math.max(10, Math.min(MAX_WAIT_MS, timeoutMs / 2));
      Request wait = Request.cmd(Command.WAIT).arg(1).arg(waitMs);
      return batch(write, wait, timeoutMs + waitMs)
          .recover(failure -> onNoScript != null && failed(failure, "NOSCRIPT")
              ? batch(onNoScript, wait, timeoutMs + waitMs)
              : Future.failedFuture(failure))
          .map(answers -> confirm(key, answers.get(0), answers.get(1).toInteger()))
          .recover(failure -> {
            if (!redirected(failure)) {
              return Future.failedFuture(writeFailure(failure));
            }
            // A batch does not follow MOVED/ASK (the script did not run): send it alone, which does, unconfirmed.
            invalidate();
            return plain(write, onNoScript, timeoutMs).map(response -> confirm(key, response, 0));
          });
    });
  }

  /** Forget the learned replicas: read them again before the next writes rely on them (a failover, a WAIT of 0). */
  public void invalidate() {
    loadedAt = 0;
  }

  private Written confirm(String key, Response response, int replicas) {
    if (replicas > 0) {
      counts.confirmed.incrementAndGet();
    } else {
      counts.unconfirmed.incrementAndGet();
      invalidate();
      LOG.warn("redis: a critical write on {} was not acknowledged by a replica in time; it stands on its master only",
          key);
    }
    return new Written(response, replicas);
  }

  private Future<Response> plain(Request write, Request onNoScript, long timeoutMs) {
    return redis.send(write)
        .recover(failure -> onNoScript != null && failed(failure, "NOSCRIPT")
            ? redis.send(onNoScript)
            : Future.failedFuture(failure))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<List<Response>> batch(Request write, Request wait, long timeoutMs) {
    return redis.batch(List.of(write, wait)).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The replicas the master of {@code key}'s slot had when last looked at (1 when unknown: better to wait). */
  Future<Integer> replicasFor(String key) {
    if (mode == null) {
      return Future.succeededFuture(0);
    }
    Future<Topology> current = topology.get();
    long now = System.currentTimeMillis();
    if (current == null || (current.isComplete() && (current.failed() || now - loadedAt > REFRESH_MS))) {
      if (topology.compareAndSet(current, load())) {
        loadedAt = now;
      }
      current = topology.get();
    }
    return current.map(seen -> seen.replicas(key)).otherwise(1);
  }

  private Future<Topology> load() {
    Future<Topology> read = mode == RedisMode.CLUSTER
        ? redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(Topology::ofClusterSlots)
        : redis.send(Request.cmd(Command.INFO).arg("replication")).map(info -> Topology.ofInfo(info.toString()));
    return read.timeout(RedisClients.COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(failure -> LOG.debug("redis: could not learn the replicas: {}", failure.toString()));
  }

  /** The first command of a batch failed with {@code kind} (a batch reports "ERR [0] NOSCRIPT …"). */
  private static boolean failed(Throwable failure, String kind) {
    String message = failure.getMessage();
    return message != null && (message.startsWith(kind) || message.contains("[0] " + kind));
  }

  private static boolean redirected(Throwable failure) {
    return failed(failure, "MOVED") || failed(failure, "ASK") || failed(failure, "TRYAGAIN")
        || failed(failure, "CLUSTERDOWN") || failed(failure, "READONLY");
  }

  /** The write's own error as a lone command would have reported it, without the batch's "[0]". */
  private static Throwable writeFailure(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || !message.startsWith("ERR [0] ")) {
      return failure;
    }
    String first = message.substring("ERR [0] ".length()).lines().findFirst().orElse("");
    return new IllegalStateException(first, failure);
  }

  /** Replica counts by hash slot (cluster) or of the one node (standalone). */
  record Topology(int[] slotStarts, int[] slotEnds, int[] replicas, int standaloneReplicas) {

    static Topology ofInfo(String info) {
      int replicas = 0;
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("connected_slaves:")) {
          replicas = Integer.parseInt(line.substring("connected_slaves:".length()).trim());
        }
      }
      return new Topology(null, null, null, replicas);
    }

    /** CLUSTER SLOTS: each range is [start, end, master, replica…]; replicas marked failed are not listed. */
    static Topology ofClusterSlots(Response slots) {
      int size = slots.size();
      int[] starts = new int[size];
      int[] ends = new int[size];
      int[] replicas = new int[size];
      for (int i = 0; i < size; i++) {
        Response range = slots.get(i);
        starts[i] = range.get(0).toInteger();
        ends[i] = range.get(1).toInteger();
        replicas[i] = Math.max(0, range.size() - 3);
      }
      return new Topology(starts, ends, replicas, 0);
    }

    int replicas(String key) {
      if (slotStarts == null) {
        return standaloneReplicas;
      }
      if (key == null) {
        return 0;
      }
      int slot = HashSlots.of(key);
      for (int i = 0; i < slotStarts.length; i++) {
        if (slot >= slotStarts[i] && slot <= slotEnds[i]) {
          return replicas[i];
        }
      }
      // A slot nobody serves (mid-failover): ask, the write will tell.
      return 1;
    }
  }
}
