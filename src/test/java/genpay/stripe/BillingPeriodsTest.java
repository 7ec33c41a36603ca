package genpay.stripe;

import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BillingPeriodsTest {

  private static long utc(String text) {
    return ZonedDateTime.parse(text).toEpochSecond();
  }

  @Test
  void periodsAreCalendarMonthsAndYearsCountedFromTheAnchor() {
    long anchor = utc("2026-01-31T10:00:00Z");
    assertEquals(utc("2026-02-28T10:00:00Z"), BillingPeriods.periodEnd(anchor, "month", 0), "a short month");
    assertEquals(utc("2026-03-31T10:00:00Z"), BillingPeriods.periodEnd(anchor, "month", 1), "back to the 31st");
    assertEquals(utc("2027-01-31T10:00:00Z"), BillingPeriods.periodEnd(anchor, "year", 0));
    assertEquals(utc("2028-02-29T00:00:00Z"), BillingPeriods.periodEnd(utc("2024-02-29T00:00:00Z"), "year", 3));
  }

  @Test
  void prorationsArePaidShareBySecondsRoundedHalfUp() {
    BillingPeriods.Proration third = BillingPeriods.prorate(2900, 19900, 0, 300, 100);
    assertEquals(-1933, third.unused(), "2900 × 2/3 = 1933.33");
    assertEquals(13267, third.remaining(), "19900 × 2/3 = 13266.67");
    BillingPeriods.Proration atStart = BillingPeriods.prorate(2900, 19900, 0, 300, 0);
    assertEquals(-2900, atStart.unused());
    assertEquals(19900, atStart.remaining());
    BillingPeriods.Proration atEnd = BillingPeriods.prorate(2900, 19900, 0, 300, 400);
    assertEquals(0, atEnd.unused(), "a change after the end prorates nothing");
    assertEquals(1, BillingPeriods.share(1, 1, 2), "half up");
  }

  @Test
  void retriesComeThreeFiveAndSevenDaysAfterTheFirstFailureThenStripeGivesUp() {
    long first = 1_000_000;
    assertEquals(first + 3 * BillingPeriods.DAY, BillingPeriods.nextAttempt(first, 1));
    assertEquals(first + 5 * BillingPeriods.DAY, BillingPeriods.nextAttempt(first, 2));
    assertEquals(first + 7 * BillingPeriods.DAY, BillingPeriods.nextAttempt(first, 3));
    assertEquals(-1, BillingPeriods.nextAttempt(first, 4));
  }
}
