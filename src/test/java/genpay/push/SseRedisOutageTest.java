package genpay.push;

import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A stream opened while Redis is away: EventSource gives up for good on any answer but 200, so the stream
 * answers 200 at once and sends the snapshot when Redis is back, without the reader asking again.
 */
class SseRedisOutageTest {

  /** How long the store waits for Redis; a pause longer than this makes the stream's first read fail. */
  private static final long STORE_TIMEOUT_MS = 1_000;

  private static TestEngine genpay;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false", "REDIS_TIMEOUT_MS",
        String.valueOf(STORE_TIMEOUT_MS)));
    http = genpay.engine.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static double openStreams() {
    return genpay.engine.registry().get("genpay.sse.open").gauge().value();
  }

  /** Completes once the open-streams gauge reads {@code expected}; checked on the engine's own timer. */
  private static Future<Void> openStreamsBecome(double expected) {
    Promise<Void> reached = Promise.promise();
    genpay.engine.vertx().setPeriodic(20, timer -> {
      if (openStreams() == expected) {
        genpay.engine.vertx().cancelTimer(timer);
        reached.tryComplete();
      }
    });
    return reached.future();
  }

  @Test
  void aStreamOpenedWhileRedisIsDownResumesByItselfWhenRedisIsBack() {
    String sessionId = genpay.order(1, "a ferry in the fog");
    SseClient sse;
    genpay.engine.embeddedRedis().stop();
    try {
      sse = await(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null));
      assertEquals(200, sse.response.statusCode(), "an EventSource gives up for good on any other answer");
      assertEquals("text/event-stream; charset=utf-8", sse.response.getHeader("Content-Type"));
    } finally {
      genpay.engine.embeddedRedis().restart();
    }
    SseClient.Event snapshot = await(sse.when(e -> true).timeout(25, TimeUnit.SECONDS));
    assertEquals("pending", snapshot.data().getString("status"));
    assertEquals(1, snapshot.id());
    assertEquals("3000", sse.retry);

    var processing = sse.when(e -> "processing".equals(e.data().getString("status")));
    genpay.clickOnCheckoutPage(sessionId, "paid");
    assertEquals(2, await(processing.timeout(20, TimeUnit.SECONDS)).id(), "later changes follow on the same stream");
    assertEquals(List.of(1L, 2L), sse.events.stream().map(SseClient.Event::id).toList());
    assertFalse(sse.ended.future().isComplete());
    sse.response.request().connection().close();
  }

  @Test
  void aStreamOpenedWhileRedisDoesNotAnswerResumesWhenItDoes() {
    String sessionId = genpay.order(1, "a lighthouse keeper at dawn");
    // Longer than the store waits for an answer, so the first read fails and the stream is held meanwhile.
    await(genpay.redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(STORE_TIMEOUT_MS + 1_500).arg("ALL")));
    SseClient sse = await(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null));
    assertEquals(200, sse.response.statusCode(), "an EventSource gives up for good on any other answer");
    SseClient.Event snapshot = await(sse.when(e -> true).timeout(25, TimeUnit.SECONDS));
    assertEquals("pending", snapshot.data().getString("status"));
    var processing = sse.when(e -> "processing".equals(e.data().getString("status")));
    genpay.clickOnCheckoutPage(sessionId, "paid");
    assertEquals(2, await(processing.timeout(20, TimeUnit.SECONDS)).id());
    sse.response.request().connection().close();
  }

  @Test
  void aHeldStreamForAnUnknownOrderEndsSoThatItsReconnectHears404() {
    String path = "/api/events/session/cs_test_NeverOrderedDuringTheOutage1";
    SseClient sse;
    genpay.engine.embeddedRedis().stop();
    try {
      sse = await(SseClient.open(http, genpay.port, path, null));
      assertEquals(200, sse.response.statusCode(), "whether it exists cannot be known while Redis is away");
    } finally {
      genpay.engine.embeddedRedis().restart();
    }
    await(sse.ended.future().timeout(25, TimeUnit.SECONDS));
    assertEquals(List.of(), sse.events);
    assertProblem(await(genpay.http.get(path).send()), 404);
  }

  @Test
  void aStreamWaitingForRedisIsForgottenWhenItsReaderLeaves() {
    String sessionId = genpay.order(1, "a tram at midnight");
    double before = openStreams();
    genpay.engine.embeddedRedis().stop();
    try {
      SseClient sse = await(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null));
      assertEquals(200, sse.response.statusCode());
      assertEquals(before + 1, openStreams(), "a stream waiting for Redis is an open stream");
      sse.response.request().connection().close();
      await(openStreamsBecome(before).timeout(10, TimeUnit.SECONDS));
    } finally {
      genpay.engine.embeddedRedis().restart();
    }
  }
}
