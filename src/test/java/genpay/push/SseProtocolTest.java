package genpay.push;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSE contract of DESIGN.md section 5, read with a raw HTTP client. Changes are driven through the store. */
class SseProtocolTest {

  private static TestEngine genpay;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    // No worker: the test makes every file change itself, so it knows exactly which changes happen.
    genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"));
    http = genpay.engine.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(1_200));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static SseClient open(String path, String lastEventId) {
    return await(SseClient.open(http, genpay.port, path, lastEventId));
  }

  /** A paid order of {@code videos}, and its file ids. */
  private static JsonObject paidOrder(int videos, String prompt) {
    String sessionId = genpay.order(videos, prompt);
    var processing = genpay.reaches(sessionId, "processing");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    return await(processing.timeout(20, TimeUnit.SECONDS));
  }

  private static JsonObject update(JsonObject session, int file, FileStatus status, int progress) {
    String fileId = session.getJsonArray("files").getJsonObject(file).getString("id");
    FileUpdate update = new FileUpdate(fileId, session.getString("sessionId"), status, progress,
        status == FileStatus.COMPLETED ? "http://127.0.0.1/clip.mp4" : "", "", "", "");
    return await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_FILE_UPDATE, update.toJson()))
        .body();
  }

  @Test
  void theSnapshotComesFirstThenEachChangeInOrderThenTheStreamEnds() {
    String sessionId = genpay.order(2, "a kite over dunes");
    SseClient sse = open("/api/events/session/" + sessionId, null);
    assertEquals(200, sse.response.statusCode());
    assertEquals("text/event-stream; charset=utf-8", sse.response.getHeader("Content-Type"));
    assertEquals("no-cache", sse.response.getHeader("Cache-Control"));
    assertEquals("no", sse.response.getHeader("X-Accel-Buffering"));
    SseClient.Event first = await(sse.when(e -> true));
    assertEquals("status", first.type());
    assertEquals("pending", first.data().getString("status"));
    assertEquals(1, first.id());
    assertEquals("3000", sse.retry);

    var processing = sse.when(e -> "processing".equals(e.data().getString("status")));
    genpay.clickOnCheckoutPage(sessionId, "paid");
    JsonObject session = await(processing.timeout(20, TimeUnit.SECONDS)).data();
    for (int progress = 10; progress <= 90; progress += 40) {
      update(session, 0, FileStatus.IN_PROGRESS, progress);
    }
    update(session, 0, FileStatus.COMPLETED, 100);
    update(session, 1, FileStatus.COMPLETED, 100);
    await(sse.ended.future().timeout(20, TimeUnit.SECONDS));

    List<Long> ids = sse.events.stream().map(SseClient.Event::id).toList();
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(ids.get(i) > ids.get(i - 1), "strictly increasing versions: " + ids);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), ids, "one event per change, none twice");
    assertEquals("completed", sse.events.get(sse.events.size() - 1).data().getString("status"));
    JsonObject rest = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
    assertEquals(rest.getString("prompt"), first.data().getString("prompt"), "the first snapshot has the prompt");
    assertEquals(rest, sse.events.get(sse.events.size() - 1).data(), "a change's event is the REST answer");
  }

  @Test
  void aReconnectWithLastEventIdGetsNothingOlder() {
    JsonObject session = paidOrder(1, "rain on a window");
    String sessionId = session.getString("sessionId");
    long current = session.getLong("version");
    SseClient caughtUp = open("/api/events/session/" + sessionId, String.valueOf(current));
    SseClient behind = open("/api/events/session/" + sessionId, String.valueOf(current - 1));
    assertEquals(current, await(behind.when(e -> true)).id(), "a reader behind gets the current snapshot");

    update(session, 0, FileStatus.IN_PROGRESS, 50);
    SseClient.Event next = await(caughtUp.when(e -> true).timeout(10, TimeUnit.SECONDS));
    assertEquals(current + 1, next.id(), "a caught-up reader gets only what is newer");
    assertEquals(1, caughtUp.events.size());

    update(session, 0, FileStatus.COMPLETED, 100);
    await(caughtUp.ended.future().timeout(10, TimeUnit.SECONDS));
    long last = caughtUp.events.get(caughtUp.events.size() - 1).id();
    SseClient after = open("/api/events/session/" + sessionId, String.valueOf(last));
    await(after.ended.future().timeout(10, TimeUnit.SECONDS));
    assertTrue(after.events.isEmpty(), "a finished order the reader has seen ends at once, with nothing resent");
  }

  /** The next {@code status.changed} of this file that passes {@code test}, the whole event; heard from now on. */
  private static Future<JsonObject> nextChange(String fileId, Predicate<JsonObject> test) {
    Promise<JsonObject> seen = Promise.promise();
    var changes = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.STATUS_CHANGED, change -> {
      JsonObject file = change.body().getJsonObject("file");
      if (file != null && fileId.equals(file.getString("id")) && test.test(file)) {
        seen.tryComplete(change.body());
      }
    });
    await(changes.completion());
    return seen.future().andThen(done -> changes.unregister());
  }

  /** Asks a finished stream again: at or past its last version, 204 and nothing else; behind, the snapshot then the end. */
  private static void assertFinished(String path, long last, String type, String status) {
    for (long atOrPast : new long[] {last, last + 3}) {
      SseClient done = open(path, String.valueOf(atOrPast));
      assertEquals(204, done.response.statusCode(), path + " with Last-Event-ID " + atOrPast);
      await(done.ended.future().timeout(10, TimeUnit.SECONDS));
      assertTrue(done.events.isEmpty() && done.retry == null, "204 has no body");
    }
    for (String behind : new String[] {String.valueOf(last - 1), null}) {
      SseClient reader = open(path, behind);
      assertEquals(200, reader.response.statusCode(), path + " with Last-Event-ID " + behind);
      await(reader.ended.future().timeout(10, TimeUnit.SECONDS));
      assertEquals(List.of(last), reader.events.stream().map(SseClient.Event::id).toList(), "the snapshot, then the end");
      assertEquals(type, reader.events.get(0).type());
      assertEquals(status, reader.events.get(0).data().getString("status"));
    }
  }

  @Test
  void aFinishedSessionStreamAskedAgainAtItsEndAnswers204() {
    JsonObject session = paidOrder(1, "a lantern on a jetty");
    JsonObject done = update(session, 0, FileStatus.COMPLETED, 100).getJsonObject("session");
    assertEquals("completed", done.getString("status"));
    assertFinished("/api/events/session/" + session.getString("sessionId"), done.getLong("version"), "status",
        "completed");
  }

  @Test
  void aFinishedFileStreamAskedAgainAtItsEndAnswers204() {
    JsonObject session = paidOrder(2, "two gulls over a pier");
    String fileId = session.getJsonArray("files").getJsonObject(1).getString("id");
    update(session, 1, FileStatus.IN_PROGRESS, 40);
    // A failed video of a card order owes a refund: its stream has more to say until Stripe has made it.
    Future<JsonObject> refunded = nextChange(fileId, file -> file.getJsonObject("refund") != null
        && !"owed".equals(file.getJsonObject("refund").getString("status")));
    JsonObject failed = update(session, 1, FileStatus.FAILED, 40).getJsonObject("file");
    assertEquals("failed", failed.getString("status"));
    assertEquals("owed", failed.getJsonObject("refund").getString("status"));
    await(refunded.timeout(20, TimeUnit.SECONDS));
    // Stripe's word on the refund may come twice (answer and webhook): the stored file is the last word.
    JsonObject settled = await(genpay.http.get("/api/file/" + fileId).send()).bodyAsJsonObject();
    assertEquals("succeeded", settled.getJsonObject("refund").getString("status"));
    assertFinished("/api/events/file/" + fileId, settled.getLong("version"), "file", "failed");
  }

  @Test
  void aRepeatOfTheEndComingBeforeTheSnapshotStillAnswers204() {
    JsonObject session = paidOrder(1, "a heron in the reeds");
    String fileId = session.getJsonArray("files").getJsonObject(0).getString("id");
    update(session, 0, FileStatus.COMPLETED, 100);
    // The store publishes every answer, a repeat too: capture what a repeated end (a retry, Stripe's second word) sends.
    Future<JsonObject> repeat = nextChange(fileId, file -> true);
    JsonObject last = update(session, 0, FileStatus.COMPLETED, 100).getJsonObject("file");
    JsonObject repeated = await(repeat.timeout(10, TimeUnit.SECONDS));
    // Redis holds the stream's snapshot read (below the store's timeout) while the repeat reaches the open stream.
    await(genpay.redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(1_500).arg("ALL")));
    long republishing = genpay.engine.vertx().setPeriodic(20,
        tick -> genpay.engine.vertx().eventBus().publish(Addresses.STATUS_CHANGED, repeated.copy()));
    try {
      SseClient done = open("/api/events/file/" + fileId, String.valueOf(last.getLong("version")));
      assertEquals(204, done.response.statusCode(), "the reader has the end: only the snapshot read may say so");
    } finally {
      genpay.engine.vertx().cancelTimer(republishing);
    }
  }

  @Test
  void aFileStreamFollowsOneFileToItsEnd() {
    JsonObject session = paidOrder(2, "city lights in the rain");
    String fileId = session.getJsonArray("files").getJsonObject(1).getString("id");
    SseClient sse = open("/api/events/file/" + fileId, null);
    assertEquals("pending", await(sse.when(e -> true)).data().getString("status"));
    update(session, 0, FileStatus.IN_PROGRESS, 30);
    update(session, 1, FileStatus.IN_PROGRESS, 60);
    update(session, 1, FileStatus.COMPLETED, 100);
    await(sse.ended.future().timeout(10, TimeUnit.SECONDS));
    assertEquals(List.of("pending", "in_progress", "completed"),
        sse.events.stream().map(e -> e.data().getString("status")).toList(), "only this file's changes");
    assertEquals("file", sse.events.get(0).type());
    assertEquals(null, sse.events.get(0).data().getValue("worker"));
  }

  @Test
  void unknownIdsAre404ProblemsAndMalformedOnes400() {
    assertProblem(await(genpay.http.get("/api/events/session/cs_test_NoSuchOrder1").send()), 404);
    assertProblem(await(genpay.http.get("/api/events/session/not-a-session").send()), 400);
    assertProblem(await(genpay.http.get("/api/events/file/7c1a4c46-0f1e-4df4-a0b6-4a1c6c6c6c6c").send()), 404);
    assertProblem(await(genpay.http.get("/api/events/file/12345").send()), 400);
  }

  @Test
  void aThousandStreamsOnOneSessionAllGetTheChange() {
    String sessionId = genpay.order(1, "one thousand lanterns");
    List<Future<SseClient>> opening = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      opening.add(SseClient.open(http, genpay.port, "/api/events/session/" + sessionId, null));
    }
    await(Future.all(opening).timeout(60, TimeUnit.SECONDS), 70);
    List<Future<SseClient.Event>> snapshots = new ArrayList<>();
    List<Future<SseClient.Event>> paid = new ArrayList<>();
    for (Future<SseClient> stream : opening) {
      snapshots.add(stream.result().when(e -> "pending".equals(e.data().getString("status"))));
      paid.add(stream.result().when(e -> "processing".equals(e.data().getString("status"))));
    }
    await(Future.all(snapshots).timeout(60, TimeUnit.SECONDS), 70);
    genpay.clickOnCheckoutPage(sessionId, "paid");
    await(Future.all(paid).timeout(60, TimeUnit.SECONDS), 70);
    for (Future<SseClient> stream : opening) {
      assertEquals(2, stream.result().events.size());
      stream.result().response.request().connection().close();
    }
  }

  @Test
  void keepAlivesComeEvery15SecondsSpreadOverTheStreamsNotAllAtOnce() {
    String sessionId = genpay.order(1, "a quiet harbour");
    List<Future<Long>> keepAlives = new ArrayList<>();
    List<SseClient> streams = new ArrayList<>();
    long opened = System.nanoTime();
    for (int i = 0; i < 24; i++) {
      SseClient stream = open("/api/events/session/" + sessionId, null);
      streams.add(stream);
      keepAlives.add(stream.firstComment.future());
    }
    await(Future.all(keepAlives).timeout(20, TimeUnit.SECONDS));
    List<Long> arrivals = keepAlives.stream().map(Future::result).sorted().toList();
    for (SseClient stream : streams) {
      assertEquals(": keep-alive", stream.comments.get(0));
      stream.response.request().connection().close();
    }
    assertTrue(arrivals.get(arrivals.size() - 1) - opened <= TimeUnit.SECONDS.toNanos(17),
        "every stream hears from the server within 15 s and a tick");
    // All at once, 10 000 streams stalled the event loops (BENCHMARKS.md); each tick now takes a fifteenth.
    assertTrue(arrivals.get(arrivals.size() - 1) - arrivals.get(0) >= TimeUnit.SECONDS.toNanos(2),
        "keep-alives spread over several ticks: " + arrivals.stream().map(at -> (at - opened) / 1_000_000).toList());
  }

  @Test
  void aReaderThatStopsReadingIsDisconnected() throws Exception {
    // The prompt is short, but here each file has a 2-KB media URL (a signed one can be that long): every
    // event carries ten of them, and a reader that stops reading fills its buffers quickly.
    JsonObject session = paidOrder(10, "a reader that stops reading");
    String longUrl = "http://127.0.0.1/clip.mp4?signature=" + "x".repeat(2_000);
    String sessionId = session.getString("sessionId");
    Promise<Void> dropped = Promise.promise();
    var drops = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.PUSH_DROPPED, notice -> {
      if (sessionId.equals(notice.body().getString("id"))) {
        dropped.tryComplete();
      }
    });
    await(drops.completion());
    try (Socket reader = new Socket("127.0.0.1", genpay.port)) {
      reader.setReceiveBufferSize(4096);
      reader.getOutputStream().write(("GET /api/events/session/" + session.getString("sessionId")
          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      reader.getOutputStream().flush();
      int events = 0;
      for (int progress = 1; progress < 100; progress++) {
        for (int file = 0; file < 10; file++) {
          String fileId = session.getJsonArray("files").getJsonObject(file).getString("id");
          await(genpay.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE, new FileUpdate(fileId,
              sessionId, FileStatus.IN_PROGRESS, progress, longUrl, "", "", "").toJson()));
          events++;
        }
      }
      // Only now read: what was in flight arrives, then the end of the dropped connection.
      // The server gives up on this reader by itself, while it still does not read.
      await(dropped.future().timeout(40, TimeUnit.SECONDS), 50);
      double droppedCount = genpay.engine.registry().get("genpay.sse.dropped").counter().count();
      assertTrue(droppedCount >= 1, "counted in /metrics");
      assertTrue(events > 900, "the store kept changing meanwhile: " + events);
      reader.setSoLinger(true, 0);
      drops.unregister();
    }
  }
}
