package genpay.stripe;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/** Billing arithmetic of the sandbox, in epoch seconds: calendar periods (UTC), prorations, payment retries. */
final class BillingPeriods {

  static final long DAY = 86_400;
  /** Stripe's retry schedule as the sandbox plays it: days after the first failure, then it gives up. */
  static final List<Long> RETRY_DAYS = List.of(3L, 5L, 7L);

  private BillingPeriods() {
  }

  /**
   * The end of period {@code cycle} (0 = the first) of a subscription anchored at {@code anchor}: counted from
   * the anchor, so a period that starts on the 31st comes back to the 31st after a short month, as Stripe does.
   */
  static long periodEnd(long anchor, String interval, int cycle) {
    ZonedDateTime start = Instant.ofEpochSecond(anchor).atZone(ZoneOffset.UTC);
    return switch (interval) {
      case "month" -> start.plusMonths(cycle + 1L).toEpochSecond();
      case "year" -> start.plusYears(cycle + 1L).toEpochSecond();
      default -> throw new IllegalArgumentException("interval " + interval);
    };
  }

  /** Two proration amounts for a price change at {@code at}: the unused old time (negative), the new remainder. */
  record Proration(long unused, long remaining) {
  }

  static Proration prorate(long oldAmount, long newAmount, long periodStart, long periodEnd, long at) {
    if (periodEnd <= periodStart) {
      throw new IllegalArgumentException("empty period");
    }
    long from = Math.max(periodStart, Math.min(at, periodEnd));
    return new Proration(-share(oldAmount, periodEnd - from, periodEnd - periodStart),
        share(newAmount, periodEnd - from, periodEnd - periodStart));
  }

  /** amount × part / whole, rounded half up, without overflow for any sane amount and period. */
  static long share(long amount, long part, long whole) {
    return java.math.BigDecimal.valueOf(amount).multiply(java.math.BigDecimal.valueOf(part))
        .divide(java.math.BigDecimal.valueOf(whole), 0, java.math.RoundingMode.HALF_UP).longValueExact();
  }

  /**
   * When attempt {@code attempt} (1 = the first charge) failed at {@code firstFailure}: the next attempt's time,
   * or -1 when that was the last (Stripe gives up).
   */
  static long nextAttempt(long firstFailure, int attempt) {
    return attempt <= RETRY_DAYS.size() ? firstFailure + RETRY_DAYS.get(attempt - 1) * DAY : -1;
  }
}
