package genpay.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis Streams read through one consumer group: every command names one stream, so each goes to the node of that
 * stream's shard on a Redis Cluster. An entry stays pending until acknowledged, so a worker that dies leaves its
 * entries to be claimed by another; once acknowledged it is deleted, so a stream holds only work still to do.
 */
public final class StreamQueue {

  /** The cursor of a claim pass that starts at the beginning of the pending entries. */
  public static final String CLAIM_START = "0-0";

  private static final LuaScript ACK = LuaScript.fromResources("/lua/job_ack.lua");
  private static final LuaScript PRUNE_CONSUMERS = LuaScript.fromResources("/lua/jobs_prune_consumers.lua");

  /** One XAUTOCLAIM step: what it claimed, and where the next step goes on ({@link #CLAIM_START}: a pass ended). */
  public record ClaimRound(List<StreamDelivery> entries, String nextCursor) {
  }

  private final Redis redis;
  private final String group;
  private final long timeoutMs;

  public StreamQueue(Redis redis, String group, long timeoutMs) {
    this.redis = redis;
    this.group = group;
    this.timeoutMs = timeoutMs;
  }

  public String group() {
    return group;
  }

  /** Redis answers NOGROUP when the stream or its group was deleted under a running worker. */
  public static boolean isNoGroup(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP");
  }

  /** Creates the group of each stream at its start (entries added before any worker ran are not skipped). */
  public Future<Void> ensureGroups(Collection<String> streams) {
    List<Future<Void>> created = new ArrayList<>();
    for (String stream : streams) {
      created.add(send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(group).arg("0").arg("MKSTREAM"))
          .<Void>mapEmpty()
          .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
              ? Future.succeededFuture()
              : Future.failedFuture(failure)));
    }
    return Future.all(created).mapEmpty();
  }

  /** Up to {@code count} new entries of one stream for this consumer, without waiting. */
  public Future<List<StreamDelivery>> readNew(String stream, String consumer, int count) {
    return readGroup(stream, consumer, count, ">");
  }

  /**
   * Entries of {@code stream} already handed to this consumer, after {@code afterId} ("0" from the first): what
   * a read whose answer came too late gave it. Redis counts them as delivered, so nobody else would follow them.
   */
  public Future<List<StreamDelivery>> readOwnPending(String stream, String consumer, String afterId, int count) {
    return readGroup(stream, consumer, count, afterId);
  }

  private Future<List<StreamDelivery>> readGroup(String stream, String consumer, int count, String from) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(consumer).arg("COUNT").arg(count)
            .arg("STREAMS").arg(stream).arg(from))
        .map(response -> {
          List<StreamDelivery> entries = new ArrayList<>();
          if (response == null) {
            return entries;
          }
          if (response.isMap()) {
            addEntries(stream, response.get(stream), entries);
          } else {
            for (Response named : response) {
              addEntries(stream, named.get(1), entries);
            }
          }
          return entries;
        });
  }

  /**
   * Takes over entries of {@code stream} another consumer has held for at least {@code minIdleMs}: its worker is
   * presumed dead. Redis scans a bounded part of the pending entries per call, from {@code cursor}: carrying the
   * cursor between rounds is what lets a pass reach past many live entries.
   */
  public Future<ClaimRound> claimAbandoned(String stream, String consumer, long minIdleMs, int count, String cursor) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(stream).arg(group).arg(consumer)
            .arg(minIdleMs).arg(cursor).arg("COUNT").arg(count))
        .map(response -> {
          List<StreamDelivery> entries = new ArrayList<>();
          addEntries(stream, response.get(1), entries);
          return new ClaimRound(entries, response.get(0).toString());
        });
  }

  /** Resets the idle time of entries this worker is still on, so nobody claims a live job. */
  public Future<Void> heartbeat(String stream, String consumer, List<String> entryIds) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Request claim = Request.cmd(Command.XCLAIM).arg(stream).arg(group).arg(consumer).arg(0);
    entryIds.forEach(claim::arg);
    claim.arg("JUSTID");
    return send(claim).mapEmpty();
  }

  /** Acknowledges and deletes entries of one stream, in one script. */
  public Future<Void> ack(String stream, List<String> entryIds) {
    List<String> args = new ArrayList<>(entryIds.size() + 1);
    args.add(group);
    args.addAll(entryIds);
    return ACK.run(redis, List.of(stream), args, timeoutMs).mapEmpty();
  }

  /** Removes the stream's consumers gone for longer than {@code minIdleMs} that own no entry; answers how many. */
  public Future<Integer> pruneConsumers(String stream, String consumer, long minIdleMs) {
    return PRUNE_CONSUMERS.run(redis, List.of(stream), List.of(group, String.valueOf(minIdleMs), consumer), timeoutMs)
        .map(Response::toInteger);
  }

  private static void addEntries(String stream, Response entries, List<StreamDelivery> into) {
    if (entries == null) {
      return;
    }
    for (Response entry : entries) {
      Map<String, String> fields = new HashMap<>();
      Response flat = entry.get(1);
      for (int i = 0; flat != null && i + 1 < flat.size(); i += 2) {
        fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
      }
      into.add(new StreamDelivery(stream, entry.get(0).toString(), fields));
    }
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }
}
