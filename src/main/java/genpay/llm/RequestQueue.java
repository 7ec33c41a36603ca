package genpay.llm;

import genpay.redis.StreamDelivery;
import genpay.redis.StreamQueue;
import genpay.sessions.RedisKeys;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * The durable queue of generation requests: per shard the Redis Stream {@code jobs:{sN}:requests}, read through the
 * group {@code workers} ({@link StreamQueue}, the same mechanics as the video queue) by genpay.redis.StreamConsumer.
 * Entries carry a request id.
 */
public final class RequestQueue {

  public static final String GROUP = "workers";

  /** One entry: where it sits and the request it asks for (null when the entry was deleted while pending). */
  public record Job(String stream, String entryId, String requestId) {

    static Job of(StreamDelivery entry) {
      return new Job(entry.stream(), entry.entryId(), entry.field("requestId"));
    }
  }

  private RequestQueue() {
  }

  public static StreamQueue streams(Redis redis, long timeoutMs) {
    return new StreamQueue(redis, GROUP, timeoutMs);
  }

  /** A shard's streams by its tag: one. */
  public static List<String> streamsOf(String tag) {
    return List.of(RedisKeys.requestJobs(tag));
  }
}
