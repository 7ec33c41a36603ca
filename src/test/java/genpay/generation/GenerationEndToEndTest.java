package genpay.generation;

import genpay.TestEngine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A paid order becomes playable videos: the real worker, the provider sandbox, the real stream. */
class GenerationEndToEndTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400"));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  @Test
  void threeVideosPaidInTheSandboxAllCompleteWithPlayableUrls() {
    String sessionId = genpay.order(3, "a paper boat on a rainy street");
    var completed = genpay.reaches(sessionId, "completed", "error");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    JsonObject session = await(completed.timeout(60, TimeUnit.SECONDS), 70);

    assertEquals("completed", session.getString("status"));
    assertEquals(3, session.getJsonArray("files").size());
    for (int i = 0; i < 3; i++) {
      JsonObject file = session.getJsonArray("files").getJsonObject(i);
      assertEquals("completed", file.getString("status"));
      assertEquals(100, file.getInteger("progress"));
      assertNull(file.getString("error"));
      String id = file.getString("id");
      assertEquals(genpay.settings().appUrl() + "/media/" + id, file.getString("url"), "the engine's own link");
      assertEquals(genpay.settings().appUrl() + "/media/" + id + "/thumbnail", file.getString("thumbnail_url"));
      HttpResponse<Buffer> redirect = await(genpay.http.getAbs(file.getString("url")).send());
      assertEquals(302, redirect.statusCode());
      String location = redirect.getHeader("Location");
      assertTrue(location.startsWith(genpay.settings().storage().endpoint() + "/"), location);
      assertTrue(location.contains("/generations/guest/" + sessionId + "/" + id + ".mp4?"), location);
      assertTrue(location.contains("X-Amz-Expires=3600"), "presigned for one hour: " + location);
      HttpResponse<Buffer> clip = await(genpay.http.getAbs(location).send());
      assertEquals(200, clip.statusCode());
      assertEquals("video/mp4", clip.getHeader("Content-Type"));
      assertTrue(clip.body().length() > 10_000, "a real clip");
      assertEquals("ftyp", clip.body().getString(4, 8), "an MP4 container");
      String thumbnail = await(genpay.http.getAbs(file.getString("thumbnail_url")).send()).getHeader("Location");
      assertEquals(200, await(genpay.http.getAbs(thumbnail).send()).statusCode());
      assertEquals(1, genpay.providerStarts(file.getString("id")), "started once at the provider");

      HttpResponse<Buffer> api = await(genpay.http.get("/api/file/" + file.getString("id")).send());
      assertEquals(200, api.statusCode());
      JsonObject detail = api.bodyAsJsonObject();
      assertEquals(sessionId, detail.getString("sessionId"));
      assertEquals("completed", detail.getJsonArray("tasks").getJsonObject(0).getString("status"));
      assertEquals("video", detail.getString("type"));
      assertNotNull(detail.getLong("version"));
      assertNull(detail.getValue("worker"), "internal fields stay internal");
    }
    await(genpay.acknowledged(GenerationResilienceTest.fileIdsOf(session)).timeout(30, TimeUnit.SECONDS));
    assertEquals(0, genpay.pendingJobs(), "every job acknowledged");

    String metrics = await(genpay.http.get("/metrics").send()).bodyAsString();
    for (String stage : List.of("order_to_payment", "payment_to_generation_start", "generation", "payment_to_all_done")) {
      assertTrue(count(metrics, "genpay_stage_seconds_count{stage=\"" + stage + "\"}") >= 1, stage + " is timed");
    }
    assertTrue(count(metrics, "genpay_generations_total{outcome=\"completed\"}") >= 3, "generations by outcome");
    assertTrue(count(metrics, "genpay_webhooks_total{outcome=\"changed\",type=\"checkout.session.completed\"}") >= 1,
        "webhooks by type and outcome");
    assertTrue(metrics.contains("genpay_provider_calls_total{operation=\"start\",status=\"200\"}"), "provider calls");
    assertTrue(metrics.contains("genpay_sse_open"), "open streams");
    assertTrue(metrics.contains("genpay_push_latency_seconds"), "push latency");
  }

  /** The value of one Prometheus sample line, or 0 when absent. */
  private static double count(String metrics, String sample) {
    return metrics.lines().filter(line -> line.startsWith(sample + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(0.0);
  }

  @Test
  void aRejectedPromptFailsTheFileWithTheProvidersReason() {
    String sessionId = genpay.order(1, "please " + ProviderSandbox.REJECT_MARKER + " this");
    var ended = genpay.reaches(sessionId, "completed", "error");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    JsonObject session = await(ended.timeout(30, TimeUnit.SECONDS));
    assertEquals("error", session.getString("status"));
    JsonObject file = session.getJsonArray("files").getJsonObject(0);
    assertEquals("failed", file.getString("status"));
    assertTrue(file.getString("error").contains("HTTP 400") && file.getString("error").contains("content policy"),
        file.getString("error"));
    assertTrue(session.getString("error").contains("1 of 1"), session.getString("error"));
  }

  @Test
  void fileIdsAreCheckedAndUnknownFilesAre404() {
    assertProblem(await(genpay.http.get("/api/file/not-a-uuid").send()), 400);
    assertProblem(await(genpay.http.get("/api/file/8a3c3f0e-9d7b-4a51-8e3e-111111111111").send()), 404);
  }
}
