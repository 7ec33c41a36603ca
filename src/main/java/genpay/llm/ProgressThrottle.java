package genpay.llm;

/**
 * When a request's progress is worth writing and pushing: after 5 % more of its pages, or 250 ms after the last
 * write if anything moved. A 50 000-page request thus writes about twenty times plus four a second, not 50 000.
 */
public final class ProgressThrottle {

  static final long EVERY_MS = 250;
  private final int step;
  private int lastDone;
  private long lastAtMs;

  public ProgressThrottle(int total, int done, long nowMs) {
    this.step = Math.max(1, (int) Math.ceil(total * 0.05));
    this.lastDone = done;
    this.lastAtMs = nowMs;
  }

  /** True when {@code done} should be written now; the caller then writes it. */
  public synchronized boolean due(int done, long nowMs) {
    if (done <= lastDone) {
      return false;
    }
    if (done - lastDone >= step || nowMs - lastAtMs >= EVERY_MS) {
      lastDone = done;
      lastAtMs = nowMs;
      return true;
    }
    return false;
  }
}
