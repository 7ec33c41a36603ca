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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change path's cost (issue 17): a change is encoded once per node however many streams watch it, not at all
 * where nobody does, and carries no prompt; the first snapshot and the REST answer do.
 */
class ChangeEncodingTest {

  private static final int STREAMS = 100;
  private static TestEngine genpay;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    // No worker: the test makes every change itself, so it knows exactly which changes happen.
    genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"));
    http = genpay.engine.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(STREAMS + 20));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static JsonObject paidOrder(String prompt) {
    String sessionId = genpay.order(1, prompt);
    var processing = genpay.reaches(sessionId, "processing");
    genpay.clickOnCheckoutPage(sessionId, "paid");
    return await(processing.timeout(20, TimeUnit.SECONDS));
  }

  private static void progress(JsonObject session, int progress) {
    String fileId = session.getJsonArray("files").getJsonObject(0).getString("id");
    FileUpdate update = new FileUpdate(fileId, session.getString("sessionId"), FileStatus.IN_PROGRESS, progress,
        "", "", "", "");
    await(genpay.engine.vertx().eventBus().request(Addresses.SESSIONS_FILE_UPDATE, update.toJson()));
  }

  private static double encoded() {
    return genpay.engine.registry().get("genpay.sse.encoded").counter().count();
  }

  /** {@code count} streams on an order, each past its first snapshot. */
  private static List<SseClient> watch(JsonObject session, int count) {
    List<SseClient> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      streams.add(await(SseClient.open(http, genpay.port, "/api/events/session/" + session.getString("sessionId"),
          null)));
    }
    await(Future.all(streams.stream().map(s -> s.when(e -> true)).toList()).timeout(30, TimeUnit.SECONDS));
    return streams;
  }

  @Test
  void aChangeIsEncodedOnceForAHundredStreamsAndNotAtAllWhereNobodyWatches() {
    JsonObject watched = paidOrder("a hundred watchers");
    JsonObject unwatched = paidOrder("nobody watches this one");
    List<SseClient> streams = watch(watched, STREAMS);
    double before = encoded();
    // A file change nobody on this node watches, then one that a hundred session streams watch (no file stream):
    // the push verticle takes them in order, so once the second has arrived the first has been handled too.
    progress(unwatched, 10);
    long version = watched.getLong("version") + 1;
    List<Future<SseClient.Event>> arrived = streams.stream().map(s -> s.when(e -> e.id() >= version)).toList();
    progress(watched, 30);
    await(Future.all(arrived).timeout(30, TimeUnit.SECONDS));
    assertEquals(1.0, encoded() - before, "one encoding for " + STREAMS + " streams, none for the unwatched change");
    for (Future<SseClient.Event> event : arrived) {
      assertEquals(version, event.result().id());
      assertEquals(30, event.result().data().getJsonArray("files").getJsonObject(0).getInteger("progress"));
    }
    streams.forEach(s -> s.response.request().connection().close());
  }

  @Test
  void statusChangedCarriesNoPromptYetEveryEventIsTheRestAnswerWithIt() {
    String prompt = "a paper boat on a rainy street, " + "very ".repeat(3_000) + "cinematic";
    JsonObject watched = paidOrder(prompt);
    SseClient stream = watch(watched, 1).get(0);
    assertEquals(prompt, stream.events.get(0).data().getString("prompt"), "the first snapshot has the prompt");
    Promise<JsonObject> published = Promise.promise();
    var changes = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.STATUS_CHANGED, change -> {
      if (watched.getString("sessionId").equals(change.body().getString("sessionId"))) {
        published.tryComplete(change.body());
      }
    });
    await(changes.completion());
    long version = watched.getLong("version") + 1;
    var arrived = stream.when(e -> e.id() >= version);
    progress(watched, 30);
    JsonObject data = await(arrived.timeout(30, TimeUnit.SECONDS)).data();
    assertEquals(prompt, data.getString("prompt"), "a change event is the REST answer: the node puts the prompt back");
    assertEquals(30, data.getJsonArray("files").getJsonObject(0).getInteger("progress"));
    assertEquals(watched.getString("toolSlug"), data.getString("toolSlug"), "small fields stay");
    JsonObject change = await(published.future().timeout(10, TimeUnit.SECONDS));
    assertFalse(change.getJsonObject("session").containsKey("prompt"), "status.changed carries no prompt");
    assertNotNull(change.getJsonObject("file"));
    changes.unregister();
    JsonObject rest = await(genpay.http.get("/api/webhook-status/" + watched.getString("sessionId")).send())
        .bodyAsJsonObject();
    assertEquals(prompt, rest.getString("prompt"), "the REST answer keeps the prompt");
    assertTrue(rest.getLong("version") >= version);
    if (rest.getLong("version") == version) {
      assertEquals(rest, data, "the change's event is the REST answer");
    }
    stream.response.request().connection().close();
  }
}
