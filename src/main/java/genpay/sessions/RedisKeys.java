package genpay.sessions;

import java.util.List;

/**
 * The Redis keys of DESIGN.md sections 6 and 18. Each carries the hash tag of its shard ({@code {s17}}, see
 * genpay.redis.Shards): an order's keys that of the order id, its files too (file ids are minted in their order's
 * shard), the per-shard sets and job streams their shard's. A script touches keys of one tag only.
 */
public final class RedisKeys {

  private RedisKeys() {
  }

  public static String session(String tag, String sessionId) {
    return "session:" + tag + ":" + sessionId;
  }

  /** A file, under its order's tag. A legacy file's own shard may hold a pointer here instead (the tag, a string). */
  public static String file(String tag, String fileId) {
    return "file:" + tag + ":" + fileId;
  }

  /** A Stripe event applied to an order, under the order's tag. */
  public static String stripeEvent(String tag, String eventId) {
    return "stripe:event:" + tag + ":" + eventId;
  }

  /** Sorted set of the shard's pending session ids by creation time, for reconciliation. */
  public static String pendingSessions(String tag) {
    return "sessions:pending:" + tag;
  }

  public static String generationJobs(String tag) {
    return "jobs:" + tag + ":generation";
  }

  /** Jobs of accounts whose plan has the priority queue (pro, enterprise): served before {@link #generationJobs}. */
  public static String generationJobsPriority(String tag) {
    return "jobs:" + tag + ":generation:priority";
  }

  /** The shard's job streams, in the order workers serve them. */
  public static List<String> jobStreams(String tag) {
    return List.of(generationJobsPriority(tag), generationJobs(tag));
  }

  /** The durable queue of generation requests (section 16), read by the group {@code workers}; entries {@code {requestId}}. */
  public static String requestJobs(String tag) {
    return "jobs:" + tag + ":requests";
  }

  /** Files paid for and not ended yet, scored by when each was last checked for a job in the stream. */
  public static String activeFiles(String tag) {
    return "files:active:" + tag;
  }

  /** Files whose refund is owed and not yet confirmed by Stripe, scored by when it was last tried. */
  public static String refundsOwed(String tag) {
    return "refunds:owed:" + tag;
  }

  /** E-mails to send, by cause ({@code order-ended:{sessionId}}), scored by when to try next. */
  public static String mailOutbox(String tag) {
    return "mail:outbox:" + tag;
  }

  /** cause → failed sends so far. */
  public static String mailAttempts(String tag) {
    return "mail:attempts:" + tag;
  }

  /** Set for 30 days once the cause's message went out. */
  public static String mailSent(String tag, String cause) {
    return "mail:sent:" + tag + ":" + cause;
  }
}
