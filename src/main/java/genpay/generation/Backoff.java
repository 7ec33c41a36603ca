package genpay.generation;

import java.util.Random;

/** Capped exponential backoff with jitter: attempt 1 waits about {@code base}, each next one about twice that. */
public record Backoff(long baseMs, long capMs) {

  /** Between half and all of min(cap, base * 2^(attempt-1)), so many clients never retry in step. */
  public long delayMs(int attempt, Random random) {
    long exponential = baseMs << Math.min(30, Math.max(0, attempt - 1));
    long ceiling = Math.min(capMs, exponential < 0 ? capMs : exponential);
    return ceiling / 2 + (long) (random.nextDouble() * (ceiling / 2 + 1));
  }
}
