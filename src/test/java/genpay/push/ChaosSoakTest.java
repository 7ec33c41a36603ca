package genpay.push;

import genpay.TestKeys;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 300 paid orders through a faulty provider while Redis writes stall for 4 s several times and the job
 * stream is deleted once. Every buyer's stream must still end on its order's final state, every video
 * started once, and the queue left empty. Bounded: the whole run has three minutes.
 */
class ChaosSoakTest {

  private static final int ORDERS = 300;
  private static final int PAUSES = 3;
  private static final long PAUSE_MS = 4_000;
  /** Longer than a store retry, so each figure is about one pause, not a retry that falls into the next. */
  private static final long BETWEEN_PAUSES_MS = 5_000;

  @Test
  void everyStreamEndsOnItsOrdersFinalStateThroughStallsFaultsAndALostStream() throws Exception {
    long began = System.currentTimeMillis();
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "6",
        "SANDBOX_PROVIDER_FAULTS", "5xx=0.2,429=0.1,timeout=0.05", "PROVIDER_REQUEST_TIMEOUT_MS", "2000",
        "FOLLOW_FIRST_DELAY_MS", "500", "FOLLOW_MAX_DELAY_MS", "1000", "WORKER_CLAIM_IDLE_SECONDS", "5"))) {
      HttpClient http = genpay.engine.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false),
          new PoolOptions().setHttp1MaxSize(ORDERS + 50));
      // From the moment the engine made a change (its snapshot's timestamp) to its arrival on the stream.
      AtomicLong longestCommitToStreamMs = new AtomicLong();
      List<String> sessionIds = new ArrayList<>();
      Map<String, SseClient> streams = new HashMap<>();
      for (int i = 0; i < ORDERS; i++) {
        String sessionId = genpay.order(1 + i % 2, "soak order " + i);
        sessionIds.add(sessionId);
        streams.put(sessionId, await(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null)));
      }
      List<Future<SseClient.Event>> finals = new ArrayList<>();
      for (String sessionId : sessionIds) {
        SseClient stream = streams.get(sessionId);
        finals.add(stream.when(event -> {
          longestCommitToStreamMs.accumulateAndGet(System.currentTimeMillis() - event.data().getLong("timestamp"),
              Math::max);
          return terminal(event.data().getString("status"));
        }));
        genpay.clickOnCheckoutPage(sessionId, "paid");
      }

      // The stalls and the lost stream come while the videos are being made.
      for (int pause = 0; pause < PAUSES; pause++) {
        await(genpay.engine.vertx().timer(pause == 0 ? 1_500 : BETWEEN_PAUSES_MS));
        genpay.pauseRedisWrites(PAUSE_MS);
        if (pause == 0) {
          // Queued behind the pause: the stream is gone the moment writes resume.
          TestKeys.allJobs().forEach(stream -> genpay.redis.send(Request.cmd(Command.DEL).arg(stream)));
        }
        await(genpay.engine.vertx().timer(PAUSE_MS));
      }

      await(Future.all(finals).timeout(150, TimeUnit.SECONDS), 160);
      int completed = 0;
      List<String> fileIds = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        String sessionId = sessionIds.get(i);
        SseClient stream = streams.get(sessionId);
        await(stream.ended.future().timeout(10, TimeUnit.SECONDS));
        SseClient.Event last = stream.events.get(stream.events.size() - 1);
        JsonObject rest = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
        assertEquals(rest.getString("status"), last.data().getString("status"), sessionId);
        assertEquals(rest.getLong("version"), last.id(), "the stream ends on the stored version: " + sessionId);
        assertEquals(rest.getJsonArray("files"), last.data().getJsonArray("files"));
        completed += "completed".equals(rest.getString("status")) ? 1 : 0;
        rest.getJsonArray("files").forEach(file -> fileIds.add(((JsonObject) file).getString("id")));
      }
      assertEquals(ORDERS * 3 / 2, fileIds.size());
      for (String fileId : fileIds) {
        assertEquals(1, genpay.providerStarts(fileId), "started once: " + fileId);
      }
      await(genpay.acknowledged(fileIds).timeout(60, TimeUnit.SECONDS), 70);
      assertEquals(0, genpay.pendingJobs(), "nothing pending in the group");
      assertEquals(0, TestKeys.total(genpay.redis, Command.XLEN, TestKeys.allJobs()),
          "the streams hold no finished job");
      System.out.printf("chaos soak: %d orders (%d completed, %d files), %d write pauses of %d ms, job stream"
              + " deleted once; longest commit-to-stream %d ms; %d s in all%n", ORDERS, completed, fileIds.size(),
          PAUSES, PAUSE_MS, longestCommitToStreamMs.get(), (System.currentTimeMillis() - began) / 1000);
      http.close();
    }
  }

  private static boolean terminal(String status) {
    return "completed".equals(status) || "error".equals(status) || "expired".equals(status);
  }
}
