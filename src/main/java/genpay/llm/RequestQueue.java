package genpay.llm;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable queue of generation requests: the Redis Stream {@code jobs:requests} read through the group
 * {@code workers}. The same mechanics as the video queue (genpay.generation.JobQueue), for one stream whose
 * entries carry a request id: pending until acknowledged, claimed from a worker that stopped answering, deleted
 * once acknowledged.
 */
public final class RequestQueue {

  public static final String STREAM = RedisKeys.REQUEST_JOBS;
  public static final String GROUP = "workers";
  public static final String CLAIM_START = "0-0";

  private static final LuaScript ACK = LuaScript.fromResources("/lua/job_ack.lua");
  private static final LuaScript PRUNE_CONSUMERS = LuaScript.fromResources("/lua/jobs_prune_consumers.lua");

  /** One entry: its stream id and the request it asks for (null when the entry was deleted while pending). */
  public record Job(String entryId, String requestId) {
  }

  public record ClaimRound(List<Job> jobs, String nextCursor) {
  }

  private final Redis redis;
  private final long timeoutMs;

  public RequestQueue(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  public Future<Void> ensureGroup() {
    return send(Request.cmd(Command.XGROUP).arg("CREATE").arg(STREAM).arg(GROUP).arg("0").arg("MKSTREAM"), timeoutMs)
        .<Void>mapEmpty()
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /** Up to {@code count} new entries, waiting up to {@code blockMs} when there are none. */
  public Future<List<Job>> read(String consumer, int count, long blockMs) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
        .arg("BLOCK").arg(blockMs).arg("STREAMS").arg(STREAM).arg(">"), blockMs + timeoutMs)
        .map(RequestQueue::readEntries);
  }

  /** Entries already handed to this consumer after {@code afterId}: what a read answered too late gave it. */
  public Future<List<Job>> readOwnPending(String consumer, String afterId, int count) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
        .arg("STREAMS").arg(STREAM).arg(afterId), timeoutMs)
        .map(RequestQueue::readEntries);
  }

  /** Takes over entries another consumer has held for at least {@code minIdleMs}: its worker is presumed dead. */
  public Future<ClaimRound> claimAbandoned(String consumer, long minIdleMs, int count, String cursor) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(STREAM).arg(GROUP).arg(consumer).arg(minIdleMs).arg(cursor)
        .arg("COUNT").arg(count), timeoutMs)
        .map(response -> {
          List<Job> jobs = new ArrayList<>();
          addEntries(response.get(1), jobs);
          return new ClaimRound(jobs, response.get(0).toString());
        });
  }

  /** Resets the idle time of the entries this worker is on, so nobody claims a live request. */
  public Future<Void> heartbeat(String consumer, List<String> entryIds) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Request claim = Request.cmd(Command.XCLAIM).arg(STREAM).arg(GROUP).arg(consumer).arg(0);
    entryIds.forEach(claim::arg);
    claim.arg("JUSTID");
    return send(claim, timeoutMs).mapEmpty();
  }

  public Future<Void> ack(String entryId) {
    return ACK.run(redis, List.of(STREAM), List.of(GROUP, entryId), timeoutMs).mapEmpty();
  }

  public Future<Integer> pruneConsumers(String consumer, long minIdleMs) {
    return PRUNE_CONSUMERS.run(redis, List.of(STREAM), List.of(GROUP, String.valueOf(minIdleMs), consumer), timeoutMs)
        .map(Response::toInteger);
  }

  public static boolean isNoGroup(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP");
  }

  /** An XREADGROUP answer of one stream: a map (RESP3) or [name, entries] pairs (RESP2). */
  private static List<Job> readEntries(Response response) {
    List<Job> jobs = new ArrayList<>();
    if (response == null) {
      return jobs;
    }
    if (response.isMap()) {
      addEntries(response.get(STREAM), jobs);
    } else {
      for (Response stream : response) {
        addEntries(stream.get(1), jobs);
      }
    }
    return jobs;
  }

  private static void addEntries(Response entries, List<Job> jobs) {
    if (entries == null) {
      return;
    }
    for (Response entry : entries) {
      String requestId = null;
      Response fields = entry.get(1);
      for (int i = 0; fields != null && i + 1 < fields.size(); i += 2) {
        if ("requestId".equals(fields.get(i).toString())) {
          requestId = fields.get(i + 1).toString();
        }
      }
      jobs.add(new Job(entry.get(0).toString(), requestId));
    }
  }

  private Future<Response> send(Request request, long timeout) {
    return RedisClients.send(redis, request, timeout);
  }
}
