package genpay.generation;

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
 * until acknowledged, so a worker that dies leaves its jobs to be claimed by another.
 */
public final class JobQueue {

  public static final String GROUP = "generation";

  private final Redis redis;

  public JobQueue(Redis redis) {
    this.redis = redis;
  }

  /** Creates the group at the start of the stream (jobs added before any worker ran are not skipped). */
  public Future<Void> ensureGroup() {
    return send(Request.cmd(Command.XGROUP).arg("CREATE").arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg("0")
            .arg("MKSTREAM"), RedisClients.COMMAND_TIMEOUT_MS)
        .<Void>mapEmpty()
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture()
            : Future.failedFuture(failure));
  }

  /** New entries for this consumer, waiting up to {@code blockMs} when there are none. */
  public Future<List<Job>> read(String consumer, int count, long blockMs) {
    return send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer).arg("COUNT").arg(count)
            .arg("BLOCK").arg(blockMs).arg("STREAMS").arg(RedisKeys.GENERATION_JOBS).arg(">"),
        blockMs + RedisClients.COMMAND_TIMEOUT_MS)
        .map(response -> {
          List<Job> jobs = new ArrayList<>();
          if (response == null) {
            return jobs;
          }
          Response entries = response.isMap() ? response.get(RedisKeys.GENERATION_JOBS) : response.get(0).get(1);
          addEntries(entries, jobs);
          return jobs;
        });
  }

  /** Takes over entries another consumer has held for at least {@code minIdleMs}: its worker is presumed dead. */
  public Future<List<Job>> claimAbandoned(String consumer, long minIdleMs, int count) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg(consumer)
            .arg(minIdleMs).arg("0-0").arg("COUNT").arg(count), RedisClients.COMMAND_TIMEOUT_MS)
        .map(response -> {
          List<Job> jobs = new ArrayList<>();
          addEntries(response.get(1), jobs);
          return jobs;
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
    return send(claim, RedisClients.COMMAND_TIMEOUT_MS).mapEmpty();
  }

  public Future<Void> ack(String entryId) {
    return send(Request.cmd(Command.XACK).arg(RedisKeys.GENERATION_JOBS).arg(GROUP).arg(entryId),
        RedisClients.COMMAND_TIMEOUT_MS).mapEmpty();
  }

  private static void addEntries(Response entries, List<Job> jobs) {
    if (entries == null) {
      return;
    }
    for (Response entry : entries) {
      Response fields = entry.get(1);
      if (fields == null) {
        continue; // deleted from the stream while pending
      }
      String sessionId = null;
      String fileId = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "sessionId" -> sessionId = fields.get(i + 1).toString();
          case "fileId" -> fileId = fields.get(i + 1).toString();
          default -> { }
        }
      }
      jobs.add(new Job(entry.get(0).toString(), sessionId, fileId));
    }
  }

  private Future<Response> send(Request request, long timeoutMs) {
    return RedisClients.send(redis, request, timeoutMs);
  }
}
