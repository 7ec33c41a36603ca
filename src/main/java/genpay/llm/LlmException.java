package genpay.llm;

/** A provider call that failed: {@code retryable} for 429, 5xx and no answer, final for any other 4xx. */
public final class LlmException extends RuntimeException {

  private final boolean retryable;
  private final long retryAfterMs;

  public LlmException(String message, boolean retryable) {
    this(message, retryable, -1);
  }

  public LlmException(String message, boolean retryable, long retryAfterMs) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }

  public boolean retryable() {
    return retryable;
  }

  /** What the provider asked to wait (Retry-After), or -1. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** 429 and 5xx may pass; other 4xx say the request itself is wrong. */
  static LlmException forStatus(String provider, int status, String reason, long retryAfterMs) {
    boolean retryable = status == 429 || status >= 500;
    return new LlmException(provider + " answered HTTP " + status + (reason == null ? "" : ": " + reason), retryable,
        retryAfterMs);
  }
}
