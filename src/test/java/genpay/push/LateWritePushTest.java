package genpay.push;

import genpay.TestEngine;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A store write that times out in the engine but runs in Redis later is still pushed: the retry finds it
 * stored, and the store publishes what it found. Redis writes are paused while the videos finish.
 */
class LateWritePushTest {

  @Test
  void videosThatFinishWhileRedisWritesArePausedStillReachTheOpenStream() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "2",
        "FOLLOW_FIRST_DELAY_MS", "100", "FOLLOW_MAX_DELAY_MS", "200", "REDIS_TIMEOUT_MS", "400"))) {
      HttpClient http = genpay.engine.vertx().createHttpClient();
      String sessionId = genpay.order(2, "two foxes in the snow");
      SseClient stream = await(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null));
      genpay.clickOnCheckoutPage(sessionId, "paid");
      await(stream.when(event -> event.data().getJsonArray("files").stream()
          .map(JsonObject.class::cast)
          .filter(file -> "in_progress".equals(file.getString("status"))).count() == 2)
          .timeout(30, TimeUnit.SECONDS));

      // Both videos end at the provider inside the pause: every write of their end times out, then lands.
      genpay.pauseRedisWrites(3_500);

      SseClient.Event last = await(stream.when(event -> "completed".equals(event.data().getString("status")))
          .timeout(30, TimeUnit.SECONDS));
      await(stream.ended.future().timeout(10, TimeUnit.SECONDS));
      JsonObject stored = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
      assertEquals("completed", stored.getString("status"));
      assertEquals(stored.getLong("version"), last.id(), "the stream ends on the stored version");
      http.close();
    }
  }
}
