package genpay;

import genpay.accounts.AccountStore;
import genpay.redis.Shards;
import genpay.sessions.RedisKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;

/** The sharded keys of the default deployment (REDIS_SHARDS 64), as tests look them up from an id. */
public final class TestKeys {

  public static final Shards SHARDS = Shards.DEFAULT;

  private TestKeys() {
  }

  public static String tag(String ownerId) {
    return SHARDS.tagOf(ownerId);
  }

  public static String session(String sessionId) {
    return RedisKeys.session(tag(sessionId), sessionId);
  }

  public static String account(String accountId) {
    return AccountStore.accountKey(SHARDS, accountId);
  }

  /** A key of the Stripe sandbox: {@code sandbox:stripe:<kind>:{sN}:<id>}, the tag of the id's shard. */
  public static String stripeSandbox(String kind, String id) {
    return "sandbox:stripe:" + kind + ":" + tag(id) + ":" + id;
  }

  /** A file of the order {@code sessionId}: under the order's tag. */
  public static String file(String sessionId, String fileId) {
    return RedisKeys.file(tag(sessionId), fileId);
  }

  /** The normal generation stream of the order's shard. */
  public static String jobs(String sessionId) {
    return RedisKeys.generationJobs(tag(sessionId));
  }

  public static String priorityJobs(String sessionId) {
    return RedisKeys.generationJobsPriority(tag(sessionId));
  }

  /** Every shard's normal generation stream. */
  public static List<String> allJobs() {
    return SHARDS.tags().stream().map(RedisKeys::generationJobs).toList();
  }

  /** Every shard's generation streams, priority and normal. */
  public static List<String> allJobStreams() {
    return SHARDS.tags().stream().flatMap(tag -> RedisKeys.jobStreams(tag).stream()).toList();
  }

  /** The sum of one counting command (XLEN, ZCARD...) over keys of many shards. */
  public static long total(Redis redis, Command command, List<String> keys) {
    long sum = 0;
    for (String key : keys) {
      sum += TestEngine.await(redis.send(Request.cmd(command).arg(key))).toLong();
    }
    return sum;
  }

  public static List<String> allRequestJobs() {
    return SHARDS.tags().stream().map(RedisKeys::requestJobs).toList();
  }
}
