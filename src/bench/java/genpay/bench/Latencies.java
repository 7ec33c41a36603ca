package genpay.bench;

import java.util.Arrays;

/** Samples in microseconds, recorded from any thread; summarised once the run is over. */
final class Latencies {

  private final long[] micros;
  private int count;

  Latencies(int capacity) {
    micros = new long[capacity];
  }

  synchronized void record(long microseconds) {
    if (count < micros.length) {
      micros[count++] = Math.max(0, microseconds);
    }
  }

  synchronized int count() {
    return count;
  }

  synchronized Summary summary() {
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    return new Summary(count, at(sorted, 0.50), at(sorted, 0.99), count == 0 ? 0 : sorted[count - 1] / 1000.0,
        count == 0 ? 0 : Arrays.stream(sorted).average().orElse(0) / 1000.0);
  }

  private static double at(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * quantile) - 1));
    return sorted[index] / 1000.0;
  }

  /** Milliseconds. */
  record Summary(int count, double p50, double p99, double max, double mean) {
    String line() {
      return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms (n=%d)", p50, p99, max, mean, count);
    }
  }
}
