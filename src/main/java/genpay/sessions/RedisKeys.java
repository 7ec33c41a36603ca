package genpay.sessions;

import java.util.List;

/** The Redis keys of DESIGN.md section 6. */
public final class RedisKeys {

  public static final String PENDING_SESSIONS = "sessions:pending";
  public static final String GENERATION_JOBS = "jobs:generation";
  /** Jobs of accounts whose plan has the priority queue (pro, enterprise): served before {@link #GENERATION_JOBS}. */
  public static final String GENERATION_JOBS_PRIORITY = "jobs:generation:priority";
  /** Every job stream, in the order workers serve them. */
  public static final List<String> JOB_STREAMS = List.of(GENERATION_JOBS_PRIORITY, GENERATION_JOBS);
  /** The durable queue of generation requests (section 16), read by the group {@code workers}; entries {@code {requestId}}. */
  public static final String REQUEST_JOBS = "jobs:requests";
  /** Files paid for and not ended yet, scored by when each was last checked for a job in the stream. */
  public static final String ACTIVE_FILES = "files:active";
  /** Files whose refund is owed and not yet confirmed by Stripe, scored by when it was last tried. */
  public static final String REFUNDS_OWED = "refunds:owed";
  /** E-mails to send, by cause ({@code order-ended:{sessionId}}), scored by when to try next. */
  public static final String MAIL_OUTBOX = "mail:outbox";

  private RedisKeys() {
  }

  public static String session(String sessionId) {
    return "session:" + sessionId;
  }

  public static String file(String fileId) {
    return "file:" + fileId;
  }

  public static String stripeEvent(String eventId) {
    return "stripe:event:" + eventId;
  }
}
