package genpay.generation;

import genpay.TestEngine;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation deadline is a timer of its own: a provider that never answers cannot stretch it. */
class GenerationDeadlineTest {

  private static final int DEADLINE_SECONDS = 3;

  @Test
  void aProviderThatNeverAnswersEndsTheJobAtItsDeadline() throws Exception {
    // Every provider call is held past the engine's request timeout, then retried with backoff.
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_PROVIDER_FAULTS", "timeout=1",
        "PROVIDER_REQUEST_TIMEOUT_MS", "1000", "GENERATION_TIMEOUT_SECONDS", String.valueOf(DEADLINE_SECONDS)))) {
      String sessionId = genpay.order(1, "a lighthouse in a storm");
      var processing = genpay.reaches(sessionId, "processing");
      var ended = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      long paidAt = await(processing.timeout(20, TimeUnit.SECONDS)).getLong("timestamp");
      JsonObject session = await(ended.timeout(60, TimeUnit.SECONDS), 70);

      assertEquals("timeout", session.getJsonArray("files").getJsonObject(0).getString("status"));
      long overshootMs = session.getLong("timestamp") - paidAt - DEADLINE_SECONDS * 1000L;
      // Retrying the provider alone would take about ten seconds past the deadline.
      assertTrue(overshootMs >= 0 && overshootMs < 2_500, "ended " + overshootMs + " ms after its deadline");
    }
  }
}
