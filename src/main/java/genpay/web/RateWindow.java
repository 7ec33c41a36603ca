package genpay.web;

/**
 * At most {@code limit} requests in any {@code windowMs}: the arithmetic around the sliding log that
 * rate_limit.lua keeps in Redis (one sorted-set member per request, scored by its time in ms).
 */
public record RateWindow(int limit, long windowMs) {

  public static final long MINUTE_MS = 60_000;

  /** What one check decided; {@code retryAfterSeconds} is 0 when allowed. */
  public record Decision(boolean allowed, long retryAfterSeconds) {
    public static final Decision ALLOW = new Decision(true, 0);
  }

  public RateWindow {
    if (limit < 1 || windowMs < 1) {
      throw new IllegalArgumentException("a window needs a limit and a length");
    }
  }

  public static RateWindow perMinute(int limit) {
    return new RateWindow(limit, MINUTE_MS);
  }

  /** Requests at or before this time no longer count. */
  public long cutoff(long nowMs) {
    return nowMs - windowMs;
  }

  /**
   * The script's answer: counted, or refused with the time of the request whose leaving the window frees a
   * slot. Retry-After is the whole seconds until then, rounded up and at least 1 (0 would invite a hot loop).
   */
  public Decision decide(boolean counted, long freeingRequestMs, long nowMs) {
    if (counted) {
      return Decision.ALLOW;
    }
    long waitMs = freeingRequestMs + windowMs - nowMs;
    return new Decision(false, Math.max(1, Math.floorDiv(waitMs + 999, 1000)));
  }
}
