package genpay.llm;

import genpay.TestKeys;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import genpay.TestEngine;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request worker end to end: a real engine, its embedded Redis, its provider sandboxes, a site on loopback. */
class RequestWorkerTest {

  @Test
  void aFreeRequestEndsWithTheSiteTitleAndALinePerPage() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("ALLOW_PRIVATE_SITES", "true"));
         LoopbackSite site = LoopbackSite.start(genpay.engine.vertx(), 120)) {
      String id = "greq_free000000000000000000001";
      RequestFixtures.Watch watch = RequestFixtures.watch(genpay.engine.vertx(), id, "completed", "failed");
      RequestFixtures.queue(genpay.redis, id, site.hostname(), "ollama", 0, site.urls());

      JsonObject completed = await(watch.reached(), 60);
      assertEquals("completed", completed.getString("status"), completed.encode());
      assertEquals(new JsonObject().put("done", 120).put("total", 120), completed.getJsonObject("progress"));

      String document = await(genpay.redis.send(Request.cmd(Command.GET).arg(RequestKeys.result(TestKeys.tag(id), id)))).toString();
      List<String> lines = document.lines().toList();
      assertEquals(122, lines.size(), document);
      assertEquals("# " + LoopbackSite.TITLE, lines.get(0));
      assertEquals("", lines.get(1));
      for (int page = 1; page <= 120; page++) {
        // The sandbox's line counts the page's visible words: the title, the heading and the text, no script or style.
        assertEquals("- [Page " + page + "](" + site.url(page) + "): A sandbox summary of Page " + page
            + " (10 words).", lines.get(page + 1));
      }
      // Each page read once and asked about once.
      Response calls = await(genpay.redis.send(Request.cmd(Command.HGETALL).arg(LlmSandbox.callsKey("ollama"))));
      Map<String, String> perUrl = RequestStore.hash(calls);
      assertEquals(120, perUrl.size());
      perUrl.forEach((url, count) -> assertEquals("1", count, url));
      assertEquals(1, site.served("/page/77"));

      // Progress was pushed on the way, in order, and not once per page.
      List<JsonObject> seen = watch.seen();
      assertEquals("processing", seen.get(0).getString("status"));
      long previous = 0;
      for (JsonObject change : seen) {
        assertTrue(change.getLong("version") > previous, seen.toString());
        previous = change.getLong("version");
      }
      assertTrue(seen.stream().anyMatch(change -> change.getJsonObject("progress").getInteger("done") > 0
          && change.getJsonObject("progress").getInteger("done") < 120), seen.toString());
      assertTrue(seen.size() <= 2 + 20 + 1 + 8, "at most every 5 % (or 250 ms): " + seen.size());

      Map<String, String> hash = RequestFixtures.hash(genpay.redis, id);
      assertEquals("completed", hash.get("status"));
      assertEquals("none", hash.get("refund"));
      assertEquals(0L, await(genpay.redis.send(Request.cmd(Command.EXISTS).arg(RequestKeys.lines(TestKeys.tag(id), id)))).toLong());
      assertEquals(0L, await(genpay.redis.send(Request.cmd(Command.EXISTS)
          .arg(RequestKeys.open(TestKeys.tag(id), site.hostname(), "ollama")))).toLong(), "the hostname is free for a new request");
      assertEquals(0L, await(genpay.redis.send(Request.cmd(Command.XLEN).arg(RedisKeys.requestJobs(TestKeys.tag(id))))).toLong(),
          "the job is acknowledged and deleted");
    }
  }

  @Test
  void aProviderThatKeepsFailingFailsTheRequestAndAPaidOneOwesItsRefund() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_LLM_FAULTS", "gemini_fail=1.0", "ALLOW_PRIVATE_SITES", "true"));
         LoopbackSite site = LoopbackSite.start(genpay.engine.vertx(), 120)) {
      String paid = "greq_paid000000000000000000001";
      RequestFixtures.Watch watch = RequestFixtures.watch(genpay.engine.vertx(), paid, "completed", "failed");
      RequestFixtures.queue(genpay.redis, paid, site.hostname(), "gemini", 50, site.urls());
      JsonObject failed = await(watch.reached(), 60);
      assertEquals("failed", failed.getString("status"), failed.encode());
      assertTrue(failed.getString("error").startsWith("The gemini provider kept failing"), failed.getString("error"));
      assertEquals("owed", failed.getString("refund"));
      assertEquals(0.5, failed.getDouble("amount"));

      Map<String, String> hash = RequestFixtures.hash(genpay.redis, paid);
      assertEquals("failed", hash.get("status"));
      assertEquals("owed", hash.get("refund"));
      assertEquals(0L, await(genpay.redis.send(Request.cmd(Command.EXISTS).arg(RequestKeys.result(TestKeys.tag(paid), paid)))).toLong());
      assertEquals(0L, await(genpay.redis.send(Request.cmd(Command.EXISTS).arg(RequestKeys.lines(TestKeys.tag(paid), paid)))).toLong());
      // Retried before giving up: every call of a page was asked again, and the request stopped early.
      Map<String, String> perUrl = RequestStore.hash(await(genpay.redis.send(Request.cmd(Command.HGETALL)
          .arg(LlmSandbox.callsKey("gemini")))));
      assertEquals(String.valueOf(RequestRun.ASK_ATTEMPTS), perUrl.get(site.url(1)));
      assertTrue(perUrl.size() < 120, "the remaining pages are not asked once the provider keeps failing");

      String free = "greq_free000000000000000000002";
      RequestFixtures.Watch freeWatch = RequestFixtures.watch(genpay.engine.vertx(), free, "completed", "failed");
      RequestFixtures.queue(genpay.redis, free, site.hostname(), "gemini", 0, site.urls());
      JsonObject freeFailed = await(freeWatch.reached(), 60);
      assertEquals("failed", freeFailed.getString("status"));
      assertNull(freeFailed.getValue("refund"), "nothing was paid, nothing is owed");
      assertEquals("none", RequestFixtures.hash(genpay.redis, free).get("refund"));
    }
  }

  @Test
  void aWorkerStoppedMidRequestIsTakenOverWherePagesStopped() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false", "WORKER_CLAIM_IDLE_SECONDS", "1",
        "ALLOW_PRIVATE_SITES", "true"));
         LoopbackSite site = LoopbackSite.gated(genpay.engine.vertx(), 120, 60)) {
      var vertx = genpay.engine.vertx();
      String id = "greq_resume0000000000000000001";
      RequestFixtures.Watch watch = RequestFixtures.watch(vertx, id, "completed", "failed");
      RequestFixtures.queue(genpay.redis, id, site.hostname(), "ollama", 0, site.urls());
      String first = await(vertx.deployVerticle(new RequestWorkerVerticle(genpay.settings(), vertx1 -> new GuardedPageSource(vertx1, true))));
      int concurrency = genpay.settings().providers().pageConcurrency();
      await(site.held(concurrency));
      await(vertx.undeploy(first));
      Set<String> doneBefore = new HashSet<>(RequestStore.hash(await(genpay.redis.send(Request.cmd(Command.HGETALL)
          .arg(RequestKeys.lines(TestKeys.tag(id), id))))).keySet());
      doneBefore.remove(RequestStore.SITE_TITLE_FIELD);
      assertTrue(doneBefore.size() >= 60 - concurrency && doneBefore.size() <= 60, "stopped mid-way: " + doneBefore.size());
      assertFalse(doneBefore.contains(site.url(61)));
      site.open();

      await(vertx.deployVerticle(new RequestWorkerVerticle(genpay.settings(), vertx1 -> new GuardedPageSource(vertx1, true))));
      JsonObject completed = await(watch.reached(), 60);
      assertEquals("completed", completed.getString("status"), completed.encode());
      List<String> lines = await(genpay.redis.send(Request.cmd(Command.GET).arg(RequestKeys.result(TestKeys.tag(id), id)))).toString()
          .lines().toList();
      assertEquals(122, lines.size());
      for (int page = 1; page <= 120; page++) {
        assertTrue(lines.get(page + 1).startsWith("- [Page " + page + "](" + site.url(page) + "): A sandbox summary"),
            lines.get(page + 1));
      }
      Map<String, String> perUrl = RequestStore.hash(await(genpay.redis.send(Request.cmd(Command.HGETALL)
          .arg(LlmSandbox.callsKey("ollama")))));
      assertEquals(120, perUrl.size());
      for (String url : doneBefore) {
        assertEquals("1", perUrl.get(url), "a page done before the stop is not asked again: " + url);
        assertEquals(1, site.served(url.substring(url.indexOf("/page/"))), url);
      }
      int calls = perUrl.values().stream().mapToInt(Integer::parseInt).sum();
      assertTrue(calls <= 120 + concurrency, "only pages in flight at the stop may be asked twice: " + calls);
      assertEquals(1, site.served("/"), "the site title was kept, not read again");
    }
  }
}
