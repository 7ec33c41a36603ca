package genpay.generation;

import genpay.redis.LuaScript;
import genpay.redis.Shards;
import genpay.redis.StreamDelivery;
import genpay.redis.StreamQueue;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
