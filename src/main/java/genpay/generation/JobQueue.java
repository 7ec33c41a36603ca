package genpay.generation;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import genpay.redis.StreamDelivery;
import genpay.redis.StreamQueue;
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
import java.util.function.Function;

/**
 * The durable generation queue: per shard two Redis Streams ({@code jobs:{sN}:generation:priority}, served first,
 * and {@code jobs:{sN}:generation}), each read through the consumer group {@code generation}
 * ({@link StreamQueue}). Reading them is genpay.redis.StreamConsumer's.
 */
public final class JobQueue {

  public static final String GROUP = "generation";

  private static final LuaScript RECOVER = LuaScript.fromResources("/lua/snapshot.lua", "/lua/jobs_recover.lua");

  private final StreamQueue streams;
  private final Shards shards;
  private final long timeoutMs;
  private final Redis redis;

  public JobQueue(Redis redis, Shards shards, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
    this.streams = new StreamQueue(redis, GROUP, timeoutMs);
  }

  public StreamQueue streams() {
    return streams;
  }

  /** The job an entry asks for; an entry deleted while pending has no file: acknowledged unworked. */
  public static Job job(StreamDelivery entry) {
    return new Job(entry.stream(), entry.entryId(), entry.field("sessionId"), entry.field("fileId"));
  }

  /** The entries of each stream, streams in serving order. */
  public static Map<String, List<String>> byStream(Collection<StreamEntry> entries) {
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (StreamEntry entry : entries) {
      ids.computeIfAbsent(entry.stream(), stream -> new ArrayList<>()).add(entry.id());
    }
    return ids;
  }

  /** Acknowledges and deletes the entries of a finished job, each in its own stream. */
  public Future<Void> ack(Collection<StreamEntry> entries) {
    List<Future<Void>> acked = new ArrayList<>();
    byStream(entries).forEach((stream, ids) -> acked.add(streams.ack(stream, ids)));
    return Future.all(acked).mapEmpty();
  }

  /**
   * Queues again files still being made whose job is no longer in its stream, in every shard; answers the ids of
   * the files queued again, by shard (only shards where it queued some). Each active file is looked at once per {@code everyMs}, at most
   * {@code limit} per shard and call.
   */
  public Future<Map<Integer, List<String>>> recoverLost(long nowMs, long everyMs, int limit) {
    List<Future<List<String>>> requeued = new ArrayList<>();
    for (int shard : shards.all()) {
      String tag = shards.tag(shard);
      requeued.add(RECOVER.run(redis, List.of(RedisKeys.activeFiles(tag), RedisKeys.generationJobs(tag),
                  RedisKeys.generationJobsPriority(tag)),
              List.of(String.valueOf(nowMs), String.valueOf(everyMs), String.valueOf(limit)), timeoutMs)
          .map(response -> {
            List<String> fileIds = new ArrayList<>();
            response.forEach(id -> fileIds.add(id.toString()));
            return fileIds;
          }));
    }
    return Future.all(requeued).map(all -> {
      Map<Integer, List<String>> byShard = new LinkedHashMap<>();
      for (int shard = 0; shard < requeued.size(); shard++) {
        if (!requeued.get(shard).result().isEmpty()) {
          byShard.put(shard, requeued.get(shard).result());
        }
      }
      return byShard;
    });
  }

  /**
   * One queue ({@code streamOfTag}: e.g. RedisKeys::generationJobs) over every shard: the entries waiting and
   * taken in all its streams, and the oldest of each.
   */
  public Future<QueueDepth> depth(Function<String, String> streamOfTag) {
    List<Future<QueueDepth>> each = new ArrayList<>();
    for (int shard : shards.all()) {
      each.add(depth(streamOfTag.apply(shards.tag(shard))));
    }
    return Future.all(each).map(all -> each.stream().map(Future::result).reduce(QueueDepth.EMPTY, QueueDepth::plus));
  }

  /**
   * What {@code stream} holds for the group: entries no worker has taken yet and entries taken but not
   * acknowledged, each with the enqueue time of its oldest (a stream id starts with its milliseconds). Acknowledged
   * entries are deleted, so the stream's length is the two together. A stream not made yet is empty. The probe
   * asks every stream of every shard every few seconds, so an idle stream is answered in as few calls as the
   * server allows: one on Redis 7 (the group's own pending and lag), two on 6.2 (its pending, then the length).
   */
  public Future<QueueDepth> depth(String stream) {
    return send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream))
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("ERR no such key")
            ? Future.succeededFuture(null) : Future.failedFuture(failure))
        .compose(groups -> {
          if (groups == null) {
            return Future.succeededFuture(QueueDepth.EMPTY);
          }
          Response group = null;
          for (int i = 0; i < groups.size(); i++) {
            if (GROUP.equals(field(groups.get(i), "name"))) {
              group = groups.get(i);
            }
          }
          // No group yet (no worker ever ran): nothing is taken and every entry waits.
          long taken = group == null ? 0 : Long.parseLong(field(group, "pending"));
          if (taken == 0 && group != null && "0".equals(field(group, "lag"))) {
            return Future.succeededFuture(QueueDepth.EMPTY);
          }
          String lastDelivered = group == null ? "0-0" : field(group, "last-delivered-id");
          return send(Request.cmd(Command.XLEN).arg(stream)).compose(length -> {
            if (length.toLong() == 0 && taken == 0) {
              return Future.succeededFuture(QueueDepth.EMPTY);
            }
            return Future.all(
                    taken == 0 ? Future.succeededFuture(null) : send(Request.cmd(Command.XPENDING).arg(stream).arg(GROUP))
                        .recover(failure -> isNoGroup(failure) ? Future.succeededFuture(null) : Future.failedFuture(failure)),
                    send(Request.cmd(Command.XRANGE).arg(stream).arg("(" + lastDelivered).arg("+").arg("COUNT").arg(1)))
                .map(all -> {
                  Response pending = all.resultAt(0);
                  long takenNow = pending == null ? 0 : pending.get(0).toLong();
                  Response firstWaiting = all.resultAt(1);
                  return new QueueDepth(Math.max(0, length.toLong() - takenNow),
                      firstWaiting == null || firstWaiting.size() == 0 ? -1
                          : idMillis(firstWaiting.get(0).get(0).toString()),
                      takenNow, takenNow == 0 || pending.get(1) == null ? -1 : idMillis(pending.get(1).toString()));
                });
          });
        });
  }

  private static boolean isNoGroup(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP");
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

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }
}
