package genpay.push;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A change encoded before its node knew the order's prompt is encoded again, with it, for the stream that knows. */
class SseFrameTest {

  private final PushMetrics metrics = new PushMetrics(new SimpleMeterRegistry());

  private static JsonObject data(SseFrame frame) {
    String text = frame.bytes().toString();
    String line = text.lines().filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
    return new JsonObject(line.substring("data:".length()).trim());
  }

  @Test
  void aSessionEventWithoutItsPromptIsEncodedAgainWithIt() {
    JsonObject change = new JsonObject().put("sessionId", "cs_test_a").put("status", "processing").put("version", 3);
    SseFrame frame = SseFrame.of(SseEvents.SESSION_EVENT, "cs_test_a", change, metrics);
    assertTrue(frame.lacksPrompt());
    SseFrame whole = frame.withPrompt("a paper boat", metrics);
    assertFalse(whole.lacksPrompt());
    assertEquals(3, whole.version);
    assertEquals(change.copy().put("prompt", "a paper boat"), data(whole));
    assertFalse(data(frame).containsKey("prompt"), "the shared encoding is left as it was");
  }

  @Test
  void eventsThatHaveThePromptOrNeverCarryOneAreComplete() {
    JsonObject session = new JsonObject().put("sessionId", "cs_test_a").put("prompt", "p").put("version", 1);
    assertFalse(SseFrame.of(SseEvents.SESSION_EVENT, "cs_test_a", session, metrics).lacksPrompt());
    JsonObject file = new JsonObject().put("id", "f").put("version", 1);
    assertFalse(SseFrame.of(SseEvents.FILE_EVENT, "f", file, metrics).lacksPrompt());
  }
}
