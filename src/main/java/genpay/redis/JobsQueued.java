package genpay.redis;

import io.vertx.core.json.JsonObject;

/** The body of {@code jobs.queued} (genpay.config.Addresses#JOBS_QUEUED): which queue, which shard. */
public final class JobsQueued {

  public static final String GENERATION = "generation";
  public static final String REQUESTS = "requests";

  private JobsQueued() {
  }

  public static JsonObject generation(int shard) {
    return of(GENERATION, shard);
  }

  public static JsonObject requests(int shard) {
    return of(REQUESTS, shard);
  }

  public static JsonObject of(String queue, int shard) {
    return new JsonObject().put("queue", queue).put("shard", shard);
  }
}
