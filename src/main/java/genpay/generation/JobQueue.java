package genpay.generation;

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
 * The durable generation queue: a Redis Stream read through one consumer group. An entry stays pending
 * until acknowledged, so a worker that dies leaves its jobs to be claimed by another; once acknowledged it
 * is deleted, so the stream holds only work still to do.
 */
public final class JobQueue {

  public static final String GROUP = "generation";
  /** The cursor of a claim pass that starts at the beginning of the pending entries. */
  public static final String CLAIM_START = "0-0";

  private static final LuaScript ACK = LuaScript.fromResources("/lua/job_ack.lua");
  private static final LuaScript PRUNE_CONSUMERS = LuaScript.fromResources("/lua/jobs_prune_consumers.lua");
  private static final LuaScript RECOVER = LuaScript.fromResources("/lua/jobs_recover.lua");

  /** One XAUTOCLAIM step: what it claimed, and where the next step goes on ({@link #CLAIM_START}: a pass ended). */
  public record ClaimRound(List<Job> jobs, String nextCursor) {
  }

  private final Redis redis;
  private final long timeoutMs;

  public JobQueue(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  /** Redis answers NOGROUP when the stream or its group was deleted under a running worker. */
  public static boolean isNoGroup(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP");
  }

  /** Creates the group at the start of the stream (jobs added before any worker ran are not skipped). */
  public Future<Void> ensureGroup() {
    return send(Request.cmd(Command.XGROUP).arg("CREATE").arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg("0")
            .arg("MKSTREAM"), timeoutMs)
        .<Void>mapEmpty()
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture()
            : Future.failedFuture(failure));
  }

  /** New entries for this consumer, waiting up to {@code blockMs} when there are none. */
  public Future<List<Job>> read(String consumer, int count, long blockMs) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
            .arg("BLOCK").arg(blockMs).arg("STREAMS").arg(RedisKeys.GENERATION_JOBS).arg(">"),
        blockMs + timeoutMs)
        .map(JobQueue::readEntries);
  }

  /**
   * Entries already handed to this consumer, after {@code afterId} ("0" from the first): what a read whose
   * answer came too late gave it. Redis counts them as delivered, so nobody else would follow them.
   */
  public Future<List<Job>> readOwnPending(String consumer, String afterId, int count) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
            .arg("STREAMS").arg(RedisKeys.GENERATION_JOBS).arg(afterId), timeoutMs)
        .map(JobQueue::readEntries);
  }

  /**
   * Takes over entries another consumer has held for at least {@code minIdleMs}: its worker is presumed dead.
   * Redis scans a bounded part of the pending entries per call, from {@code cursor}: carrying the cursor
   * between rounds is what lets a pass reach past many live entries.
   */
  public Future<ClaimRound> claimAbandoned(String consumer, long minIdleMs, int count, String cursor) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg(consumer)
            .arg(minIdleMs).arg(cursor).arg("COUNT").arg(count), timeoutMs)
        .map(response -> {
          List<Job> jobs = new ArrayList<>();
          addEntries(response.get(1), jobs);
          return new ClaimRound(jobs, response.get(0).toString());
        });
  }

  /** Resets the idle time of entries this worker is still following, so nobody claims a live job. */
  public Future<Void> heartbeat(String consumer, List<String> entryIds) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Request claim = Request.cmd(Command.XCLAIM).arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg(consumer).arg(0);
    entryIds.forEach(claim::arg);
    claim.arg("JUSTID");
    return send(claim, timeoutMs).mapEmpty();
  }

  /** Acknowledges and deletes the entries of a finished job. */
  public Future<Void> ack(List<String> entryIds) {
    List<String> args = new ArrayList<>(entryIds.size() + 1);
    args.add(GROUP);
    args.addAll(entryIds);
    return ACK.run(redis, List.of(RedisKeys.GENERATION_JOBS), args, timeoutMs).mapEmpty();
  }

  /** Removes the consumers of workers gone for longer than {@code minIdleMs} that own no entry; answers how many. */
  public Future<Integer> pruneConsumers(String consumer, long minIdleMs) {
    return PRUNE_CONSUMERS.run(redis, List.of(RedisKeys.GENERATION_JOBS), List.of(GROUP, String.valueOf(minIdleMs),
            consumer), timeoutMs)
        .map(Response::toInteger);
  }

  /**
   * Queues again files still being made whose job is no longer in the stream; answers their ids. Each
   * active file is looked at once per {@code everyMs}, at most {@code limit} per call.
   */
  public Future<List<String>> recoverLost(long nowMs, long everyMs, int limit) {
    return RECOVER.run(redis, List.of(RedisKeys.ACTIVE_FILES, RedisKeys.GENERATION_JOBS),
            List.of(String.valueOf(nowMs), String.valueOf(everyMs), String.valueOf(limit)), timeoutMs)
        .map(response -> {
          List<String> fileIds = new ArrayList<>();
          response.forEach(id -> fileIds.add(id.toString()));
          return fileIds;
        });
  }

  private static List<Job> readEntries(Response response) {
    List<Job> jobs = new ArrayList<>();
    if (response == null) {
      return jobs;
    }
    Response entries = response.isMap() ? response.get(RedisKeys.GENERATION_JOBS) : response.get(0).get(1);
    addEntries(entries, jobs);
    return jobs;
  }

  /** An entry deleted while pending comes back without fields: a job with no file, acknowledged unworked. */
  private static void addEntries(Response entries, List<Job> jobs) {
    if (entries == null) {
      return;
    }
    for (Response entry : entries) {
      String sessionId = null;
      String fileId = null;
      Response fields = entry.get(1);
      for (int i = 0; fields != null && i + 1 < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "sessionId" -> sessionId = fields.get(i + 1).toString();
          case "fileId" -> fileId = fields.get(i + 1).toString();
          default -> { }
        }
      }
      jobs.add(new Job(entry.get(0).toString(), sessionId, fileId));
    }
  }

  private Future<Response> send(Request request, long timeout) {
    return RedisClients.send(redis, request, timeout);
  }
}
