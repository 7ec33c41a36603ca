package genpay.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateWindowTest {

  private static final long NOW = 1_700_000_000_000L;
  private final RateWindow window = RateWindow.perMinute(5);

  @Test
  void theWindowIsTheLastSixtySeconds() {
    assertEquals(NOW - 60_000, window.cutoff(NOW));
  }

  @Test
  void countedRequestsGoOn() {
    assertEquals(RateWindow.Decision.ALLOW, window.decide(true, 0, NOW));
    assertTrue(window.decide(true, 0, NOW).allowed());
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheFreeingRequestLeavesTheWindow() {
    assertEquals(60, window.decide(false, NOW, NOW).retryAfterSeconds());
    assertEquals(60, window.decide(false, NOW - 1, NOW).retryAfterSeconds(), "59.999 s is rounded up");
    assertEquals(59, window.decide(false, NOW - 1_000, NOW).retryAfterSeconds());
    assertEquals(1, window.decide(false, NOW - 59_999, NOW).retryAfterSeconds());
    assertEquals(1, window.decide(false, NOW - 60_000, NOW).retryAfterSeconds(), "never 0: that is a hot loop");
    assertEquals(65, window.decide(false, NOW + 5_000, NOW).retryAfterSeconds(), "another node's clock ahead");
  }

  @Test
  void aWindowNeedsALimit() {
    assertThrows(IllegalArgumentException.class, () -> RateWindow.perMinute(0));
  }
}
