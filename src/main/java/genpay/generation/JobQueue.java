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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable generation queue: two Redis Streams, each read through a consumer group of the same name, the
 * priority stream (jobs of plans with the priority queue) served before the normal one. An entry stays pending
 * until acknowledged, so a worker that dies leaves its jobs to be claimed by another; once acknowledged it is
 * deleted, so the streams hold only work still to do.
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

  /** The entries of each stream, streams in serving order. */
  public static Map<String, List<String>> byStream(Collection<StreamEntry> entries) {
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (StreamEntry entry : entries) {
      ids.computeIfAbsent(entry.stream(), stream -> new ArrayList<>()).add(entry.id());
    }
    return ids;
  }

  /** Creates the group of every stream at its start (jobs added before any worker ran are not skipped). */
  public Future<Void> ensureGroup() {
    List<Future<Void>> created = new ArrayList<>();
    for (String stream : RedisKeys.JOB_STREAMS) {
      created.add(send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(GROUP).arg("0").arg("MKSTREAM"),
          timeoutMs)
          .<Void>mapEmpty()
          .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
              ? Future.succeededFuture()
              : Future.failedFuture(failure)));
    }
    return Future.all(created).mapEmpty();
  }

  /**
   * Up to {@code count} new entries for this consumer, priority jobs first: the normal stream is read only when
   * the priority stream has nothing. When both are empty it waits up to {@code blockMs} for either, taking at
   * most one entry of each, so a priority job that arrives meanwhile is not left behind a wait on the other.
   */
  public Future<List<Job>> read(String consumer, int count, long blockMs) {
    return readNew(RedisKeys.GENERATION_JOBS_PRIORITY, consumer, count)
        .compose(jobs -> jobs.isEmpty() ? readNew(RedisKeys.GENERATION_JOBS, consumer, count)
            : Future.succeededFuture(jobs))
        .compose(jobs -> jobs.isEmpty() ? awaitNew(consumer, blockMs) : Future.succeededFuture(jobs));
  }

  /** New entries of one stream, without waiting. */
  public Future<List<Job>> readNew(String stream, String consumer, int count) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
            .arg("STREAMS").arg(stream).arg(">"), timeoutMs)
        .map(JobQueue::readEntries);
  }

  private Future<List<Job>> awaitNew(String consumer, long blockMs) {
    Request wait = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(1)
        .arg("BLOCK").arg(blockMs).arg("STREAMS");
    RedisKeys.JOB_STREAMS.forEach(wait::arg);
    RedisKeys.JOB_STREAMS.forEach(stream -> wait.arg(">"));
    return send(wait, blockMs + timeoutMs).map(JobQueue::readEntries);
  }

  /**
   * Entries of {@code stream} already handed to this consumer, after {@code afterId} ("0" from the first): what
   * a read whose answer came too late gave it. Redis counts them as delivered, so nobody else would follow them.
   */
  public Future<List<Job>> readOwnPending(String stream, String consumer, String afterId, int count) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
            .arg("STREAMS").arg(stream).arg(afterId), timeoutMs)
        .map(JobQueue::readEntries);
  }

  /**
   * Takes over entries of {@code stream} another consumer has held for at least {@code minIdleMs}: its worker is
   * presumed dead. Redis scans a bounded part of the pending entries per call, from {@code cursor}: carrying the
   * cursor between rounds is what lets a pass reach past many live entries.
   */
  public Future<ClaimRound> claimAbandoned(String stream, String consumer, long minIdleMs, int count, String cursor) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(stream).arg(GROUP).arg(consumer)
            .arg(minIdleMs).arg(cursor).arg("COUNT").arg(count), timeoutMs)
        .map(response -> {
          List<Job> jobs = new ArrayList<>();
          addEntries(stream, response.get(1), jobs);
          return new ClaimRound(jobs, response.get(0).toString());
        });
  }

  /** Resets the idle time of entries this worker is still following, so nobody claims a live job. */
  public Future<Void> heartbeat(String stream, String consumer, List<String> entryIds) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Request claim = Request.cmd(Command.XCLAIM).arg(stream).arg(GROUP).arg(consumer).arg(0);
    entryIds.forEach(claim::arg);
    claim.arg("JUSTID");
    return send(claim, timeoutMs).mapEmpty();
  }

  /** Acknowledges and deletes the entries of a finished job, each in its own stream. */
  public Future<Void> ack(Collection<StreamEntry> entries) {
    List<Future<Response>> acked = new ArrayList<>();
    byStream(entries).forEach((stream, ids) -> {
      List<String> args = new ArrayList<>(ids.size() + 1);
      args.add(GROUP);
      args.addAll(ids);
      acked.add(ACK.run(redis, List.of(stream), args, timeoutMs));
    });
    return Future.all(acked).mapEmpty();
  }

  /**
   * Removes, in every stream, the consumers of workers gone for longer than {@code minIdleMs} that own no entry
   * there; answers how many.
   */
  public Future<Integer> pruneConsumers(String consumer, long minIdleMs) {
    List<Future<Integer>> pruned = new ArrayList<>();
    for (String stream : RedisKeys.JOB_STREAMS) {
      pruned.add(PRUNE_CONSUMERS.run(redis, List.of(stream), List.of(GROUP, String.valueOf(minIdleMs), consumer),
              timeoutMs)
          .map(Response::toInteger));
    }
    return Future.all(pruned).map(all -> pruned.stream().mapToInt(Future::result).sum());
  }

  /**
   * Queues again files still being made whose job is no longer in its stream; answers their ids. Each active
   * file is looked at once per {@code everyMs}, at most {@code limit} per call.
   */
  public Future<List<String>> recoverLost(long nowMs, long everyMs, int limit) {
    return RECOVER.run(redis, List.of(RedisKeys.ACTIVE_FILES, RedisKeys.GENERATION_JOBS,
                RedisKeys.GENERATION_JOBS_PRIORITY),
            List.of(String.valueOf(nowMs), String.valueOf(everyMs), String.valueOf(limit)), timeoutMs)
        .map(response -> {
          List<String> fileIds = new ArrayList<>();
          response.forEach(id -> fileIds.add(id.toString()));
          return fileIds;
        });
  }

  /**
   * What {@code stream} holds for the group: entries no worker has taken yet and entries taken but not
   * acknowledged, each with the enqueue time of its oldest (a stream id starts with its milliseconds). Acknowledged
   * entries are deleted, so the stream's length is the two together. A stream not made yet is empty.
   */
  public Future<QueueDepth> depth(String stream) {
    return send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream), timeoutMs)
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("ERR no such key")
            ? Future.succeededFuture(null) : Future.failedFuture(failure))
        .compose(groups -> {
          if (groups == null) {
            return Future.succeededFuture(QueueDepth.EMPTY);
          }
          // No group yet (no worker ever ran): every entry waits.
          String lastDelivered = "0-0";
          for (int i = 0; i < groups.size(); i++) {
            if (GROUP.equals(field(groups.get(i), "name"))) {
              lastDelivered = field(groups.get(i), "last-delivered-id");
            }
          }
          boolean grouped = groups.size() > 0;
          return Future.all(
                  send(Request.cmd(Command.XLEN).arg(stream), timeoutMs),
                  grouped ? send(Request.cmd(Command.XPENDING).arg(stream).arg(GROUP), timeoutMs)
                      .recover(failure -> isNoGroup(failure) ? Future.succeededFuture(null) : Future.failedFuture(failure))
                      : Future.succeededFuture(null),
                  send(Request.cmd(Command.XRANGE).arg(stream).arg("(" + lastDelivered).arg("+").arg("COUNT").arg(1),
                      timeoutMs))
              .map(all -> {
                long length = all.<Response>resultAt(0).toLong();
                Response pending = all.resultAt(1);
                long taken = pending == null ? 0 : pending.get(0).toLong();
                Response firstWaiting = all.resultAt(2);
                return new QueueDepth(Math.max(0, length - taken),
                    firstWaiting == null || firstWaiting.size() == 0 ? -1 : idMillis(firstWaiting.get(0).get(0).toString()),
                    taken, taken == 0 || pending.get(1) == null ? -1 : idMillis(pending.get(1).toString()));
              });
        });
  }

  /** A field of an XINFO answer: a map (RESP3) or a flat list of names and values (RESP2). */
  private static String field(Response info, String name) {
    if (info.isMap()) {
      Response value = info.get(name);
      return value == null ? null : value.toString();
    }
    for (int i = 0; i + 1 < info.size(); i += 2) {
      if (name.equals(info.get(i).toString())) {
        Response value = info.get(i + 1);
        return value == null ? null : value.toString();
      }
    }
    return null;
  }

  private static long idMillis(String entryId) {
    int dash = entryId.indexOf('-');
    return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
  }

  /** An XREADGROUP answer: per stream, as a map (RESP3) or as [name, entries] pairs (RESP2). */
  private static List<Job> readEntries(Response response) {
    List<Job> jobs = new ArrayList<>();
    if (response == null) {
      return jobs;
    }
    if (response.isMap()) {
      for (String stream : RedisKeys.JOB_STREAMS) {
        addEntries(stream, response.get(stream), jobs);
      }
    } else {
      for (Response stream : response) {
        addEntries(stream.get(0).toString(), stream.get(1), jobs);
      }
    }
    return jobs;
  }

  /** An entry deleted while pending comes back without fields: a job with no file, acknowledged unworked. */
  private static void addEntries(String stream, Response entries, List<Job> jobs) {
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
      jobs.add(new Job(stream, entry.get(0).toString(), sessionId, fileId));
    }
  }

  private Future<Response> send(Request request, long timeout) {
    return RedisClients.send(redis, request, timeout);
  }
}
