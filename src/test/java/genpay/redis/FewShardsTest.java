package genpay.redis;

import genpay.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README advises few shards where Redis is billed per command: an engine with REDIS_SHARDS 3 takes an order
 * from payment to its videos, keeps every key of it in its own shard and makes no key of a shard it lacks
 * (the sandboxes' keys aside: they keep Stripe's and the provider's own spread, see SandboxIds).
 */
class FewShardsTest {

  @Test
  void anOrderOnThreeShardsEndsWithItsVideosAndEveryKeyInThoseShards() throws Exception {
    Shards shards = new Shards(3);
    try (TestEngine genpay = TestEngine.start(Map.of("REDIS_SHARDS", "3", "SANDBOX_GENERATION_SECONDS", "1",
        "FOLLOW_FIRST_DELAY_MS", "200", "FOLLOW_MAX_DELAY_MS", "400"))) {
      String sessionId = genpay.order(2, "two kites over a grey sea");
      var completed = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      JsonObject session = await(completed.timeout(60, TimeUnit.SECONDS), 70);
      assertEquals("completed", session.getString("status"));
      JsonArray files = session.getJsonArray("files");
      assertEquals(2, files.size());

      String tag = shards.tagOf(sessionId);
      assertEquals(1L, await(genpay.redis.send(Request.cmd(Command.EXISTS).arg("session:" + tag + ":" + sessionId)))
          .toLong(), "the order under its shard of three");
      for (int i = 0; i < files.size(); i++) {
        String fileId = files.getJsonObject(i).getString("id");
        assertEquals("completed", files.getJsonObject(i).getString("status"));
        assertEquals(shards.of(sessionId), shards.of(fileId), "a file id is minted in its order's shard");
        assertEquals(1L, await(genpay.redis.send(Request.cmd(Command.EXISTS).arg("file:" + tag + ":" + fileId)))
            .toLong());
      }

      Set<String> tags = new HashSet<>();
      Response keys = await(genpay.redis.send(Request.cmd(Command.KEYS).arg("*{s*}*")));
      for (Response key : keys) {
        // The sandboxes stand in for Stripe and the provider: their own fixed spread, not the engine's data.
        if (!key.toString().startsWith("sandbox:")) {
          tags.add(Shards.tagIn(key.toString()));
        }
      }
      assertTrue(tags.contains(tag), "keys carry tags: " + tags);
      assertTrue(Set.copyOf(shards.tags()).containsAll(tags), "only tags of the three shards: " + tags);
      assertTrue(tags.contains("{s0}") && tags.contains("{s1}") && tags.contains("{s2}"),
          "every shard's job streams exist: " + tags);
    }
  }
}
