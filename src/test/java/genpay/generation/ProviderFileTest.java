package genpay.generation;

import genpay.sessions.FileStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderFileTest {

  private static JsonObject file(String url, String... statuses) {
    JsonArray tasks = new JsonArray();
    for (String status : statuses) {
      tasks.add(new JsonObject().put("type", "video-generation-flow").put("status", status).put("progress", 40));
    }
    return new JsonObject().put("id", "p1").put("url", url).put("tasks", tasks);
  }

  @Test
  void tasksDecideTheStatus() {
    assertEquals(FileStatus.PENDING, ProviderFile.fromJson(file(null, "pending")).status());
    assertEquals(FileStatus.IN_PROGRESS, ProviderFile.fromJson(file(null, "completed", "in_progress")).status());
    assertEquals(FileStatus.IN_PROGRESS, ProviderFile.fromJson(file(null, "completed")).status(),
        "completed without a url is not playable yet");
    ProviderFile done = ProviderFile.fromJson(file("https://cdn/x.mp4", "completed"));
    assertEquals(FileStatus.COMPLETED, done.status());
    assertEquals(100, done.progress());
    ProviderFile failed = ProviderFile.fromJson(file(null, "completed", "failed"));
    assertEquals(FileStatus.FAILED, failed.status());
    assertNotNull(failed.error(), "a failure always carries a reason");
    assertEquals(40, ProviderFile.fromJson(file(null, "in_progress")).progress());
  }

  @Test
  void backoffGrowsIsCappedAndJittered() {
    Backoff backoff = new Backoff(500, 8_000);
    Random random = new Random(7);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(8_000, 500L << (attempt - 1));
      long delay = backoff.delayMs(attempt, random);
      assertTrue(delay >= ceiling / 2 && delay <= ceiling, "attempt " + attempt + ": " + delay);
    }
    assertTrue(backoff.delayMs(60, random) <= 8_000, "no overflow on many attempts");
  }

  @Test
  void theVeo3PayloadIsTheDesignsOne() {
    JsonObject config = ProviderClient.veo3Payload("a heron", 42).getJsonObject("config");
    assertEquals("a heron", config.getString("prompt"));
    assertEquals(1280, config.getInteger("width"));
    assertEquals(720, config.getInteger("height"));
    assertEquals("16:9", config.getString("aspect_ratio"));
    assertEquals(8, config.getInteger("duration"));
    assertEquals(30, config.getInteger("frame_rate"));
    assertEquals(ProviderClient.VEO3_CONFIG, config.getString("generation_config_name"));
    assertEquals(42L, config.getLong("seed"));
  }
}
