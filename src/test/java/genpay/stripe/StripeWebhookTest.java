package genpay.stripe;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static genpay.TestEngine.await;
import static genpay.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exactly once, whatever Stripe duplicates or reorders; refused and unchanged for anything not signed right. */
@ExtendWith(VertxExtension.class)
class StripeWebhookTest {

  private static final String SECRET = "whsec_current_A1b2C3";
  private static final String OLD_SECRET = "whsec_previous_Z9y8X7";
  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    // Deliveries from the sandbox are off: these tests play Stripe themselves. No worker either: the
    // jobs must stay as the webhooks left them.
    genpay = TestEngine.start(Map.of("STRIPE_WEBHOOK_SECRET", SECRET + "," + OLD_SECRET,
        "SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false"));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  static String order(int videos) {
    return genpay.order(videos, "waves at dusk");
  }

  static long jobs(String sessionId) {
    return StripeWebhookTestSupport.jobs(genpay, sessionId);
  }

  static Future<Long> jobsAsync(String sessionId) {
    return StripeWebhookTestSupport.jobsBySession(genpay).map(counts -> counts.getOrDefault(sessionId, 0L));
  }

  static JsonObject snapshotViaApi(String sessionId) {
    return await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
  }

  /** Every status.changed published for one session, in arrival order. */
  static final class History implements AutoCloseable {
    final List<JsonObject> changes = new CopyOnWriteArrayList<>();
    private final MessageConsumer<JsonObject> consumer;

    History(String sessionId) {
      consumer = genpay.engine.vertx().eventBus().consumer(Addresses.STATUS_CHANGED, message -> {
        if (sessionId.equals(message.body().getString("sessionId"))) {
          changes.add(message.body());
        }
      });
      await(consumer.completion());
    }

    /**
     * The statuses a watcher sees, one per version. A repeat that finds its change already stored publishes
     * the current snapshot again (a timed-out write may have landed unseen); it never makes a new version.
     */
    List<String> statuses() {
      Map<Long, String> byVersion = new java.util.TreeMap<>();
      for (JsonObject change : changes) {
        JsonObject session = change.getJsonObject("session");
        String earlier = byVersion.putIfAbsent(session.getLong("version"), session.getString("status"));
        assertTrue(earlier == null || earlier.equals(session.getString("status")), "one version, one state");
      }
      return List.copyOf(byVersion.values());
    }

    @Override
    public void close() {
      consumer.unregister();
    }
  }

  private static int statusOf(JsonObject event) {
    return await(TestEvents.postSigned(genpay, event)).statusCode();
  }

  @Test
  void theSameEventThreeTimesAppliesOnce() {
    String sessionId = order(3);
    JsonObject paid = TestEvents.paid(sessionId);
    try (History history = new History(sessionId)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, statusOf(paid));
      }
      assertEquals(3, jobs(sessionId));
      assertEquals(List.of("processing"), history.statuses());
    }
    assertEquals("processing", snapshotViaApi(sessionId).getString("status"));
    assertEquals(3, snapshotViaApi(sessionId).getJsonArray("files").size());
  }

  @Test
  void fiftyConcurrentDeliveriesApplyOnce(VertxTestContext test) {
    String sessionId = order(2);
    JsonObject paid = TestEvents.paid(sessionId);
    History history = new History(sessionId);
    List<Future<HttpResponse<Buffer>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      deliveries.add(TestEvents.postSigned(genpay, paid));
    }
    Future.all(deliveries).compose(all -> jobsAsync(sessionId)).onComplete(test.succeeding(jobs -> test.verify(() -> {
      for (var delivery : deliveries) {
        assertEquals(200, delivery.result().statusCode());
      }
      assertEquals(2L, jobs);
      assertEquals(List.of("processing"), history.statuses());
      history.close();
      test.completeNow();
    })));
  }

  @Test
  void expiredThenCompletedNeverEnqueues() {
    String sessionId = order(2);
    try (History history = new History(sessionId)) {
      assertEquals(200, statusOf(TestEvents.expired(sessionId)));
      assertEquals(200, statusOf(TestEvents.paid(sessionId)));
      assertEquals(0, jobs(sessionId));
      assertEquals(List.of("expired"), history.statuses());
    }
  }

  @Test
  void completedThenExpiredNeverMovesBack() {
    String sessionId = order(2);
    try (History history = new History(sessionId)) {
      assertEquals(200, statusOf(TestEvents.paid(sessionId)));
      assertEquals(200, statusOf(TestEvents.expired(sessionId)));
      assertEquals(200, statusOf(TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_failed",
          sessionId, "complete", "unpaid")));
      assertEquals(2, jobs(sessionId));
      assertEquals(List.of("processing"), history.statuses());
    }
  }

  @Test
  void completedAndAsyncSucceededForOneSessionEnqueueOnce() {
    String sessionId = order(3);
    try (History history = new History(sessionId)) {
      assertEquals(200, statusOf(TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_succeeded",
          sessionId, "complete", "paid")));
      assertEquals(200, statusOf(TestEvents.paid(sessionId)));
      assertEquals(3, jobs(sessionId));
      assertEquals(List.of("processing"), history.statuses());
    }
  }

  @Test
  void completedButUnpaidWaitsThenAsyncFailureIsAnError() {
    String sessionId = order(1);
    assertEquals(200, statusOf(TestEvents.event(TestEvents.newEventId(), "checkout.session.completed",
        sessionId, "complete", "unpaid")));
    assertEquals("pending", snapshotViaApi(sessionId).getString("status"));
    assertEquals(200, statusOf(TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_failed",
        sessionId, "complete", "unpaid")));
    JsonObject snapshot = snapshotViaApi(sessionId);
    assertEquals("error", snapshot.getString("status"));
    assertTrue(snapshot.getString("error").length() > 5, "the user gets a reason");
    assertEquals(0, jobs(sessionId));
  }

  @Test
  void noPaymentRequiredIsPaid() {
    String sessionId = order(1);
    assertEquals(200, statusOf(TestEvents.event(TestEvents.newEventId(), "checkout.session.completed",
        sessionId, "complete", "no_payment_required")));
    assertEquals(1, jobs(sessionId));
  }

  @Test
  void anEventOfAnOldApiVersionIsApplied() {
    String sessionId = order(2);
    JsonObject old = TestEvents.paid(sessionId).put("api_version", "2020-08-27");
    // Shapes of 2020: fields this engine does not read, and no newer ones.
    old.getJsonObject("data").getJsonObject("object").put("display_items", new io.vertx.core.json.JsonArray());
    assertEquals(200, statusOf(old));
    assertEquals(2, jobs(sessionId));
  }

  @Test
  void eitherRotatedSecretIsAccepted() {
    String first = order(1);
    String second = order(1);
    String payloadA = TestEvents.paid(first).encode();
    String payloadB = TestEvents.paid(second).encode();
    assertEquals(200, await(TestEvents.post(genpay, payloadA, TestEvents.sign(payloadA, SECRET))).statusCode());
    assertEquals(200, await(TestEvents.post(genpay, payloadB, TestEvents.sign(payloadB, OLD_SECRET))).statusCode());
    assertEquals(1, jobs(first));
    assertEquals(1, jobs(second));
  }

  @Test
  void badWebhooksAre400AndChangeNothing() {
    String sessionId = order(2);
    String payload = TestEvents.paid(sessionId).encode();
    String before = genpay.redisDigest();
    long now = System.currentTimeMillis() / 1000;

    assertProblem(await(TestEvents.post(genpay, payload, null)), 400);
    assertProblem(await(TestEvents.post(genpay, payload, TestEvents.sign(payload, "whsec_wrong"))), 400);
    assertProblem(await(TestEvents.post(genpay, payload, StripeSignature.header(payload, SECRET, now - 301))), 400);
    String tampered = payload.replace("\"paid\"", "\"paid\" ");
    assertProblem(await(TestEvents.post(genpay, tampered, TestEvents.sign(payload, SECRET))), 400);
    String other = TestEvents.paid(order(1)).encode();
    String afterOtherOrder = genpay.redisDigest();
    assertProblem(await(TestEvents.post(genpay, payload, TestEvents.sign(other, SECRET))), 400);
    String notJson = "this is not json";
    assertProblem(await(TestEvents.post(genpay, notJson, TestEvents.sign(notJson, SECRET))), 400);
    assertProblem(await(TestEvents.post(genpay, payload, "t=" + now + ",v1=deadbeef")), 400);

    assertEquals(afterOtherOrder, genpay.redisDigest(), "no bad webhook changed Redis");
    assertEquals(0, jobs(sessionId));
    assertEquals("pending", snapshotViaApi(sessionId).getString("status"));
    assertTrue(!before.isEmpty());
  }

  @Test
  void anEventForAnUnknownSessionIs200AndChangesNothing() {
    String before = genpay.redisDigest();
    assertEquals(200, statusOf(TestEvents.paid("cs_test_NotAnOrderOfOurs123")));
    assertEquals(before, genpay.redisDigest());
  }

  @Test
  void unhandledEventTypesAre200AndIgnored() {
    String before = genpay.redisDigest();
    JsonObject event = TestEvents.event(TestEvents.newEventId(), "customer.created", "cus_123", "", "");
    event.getJsonObject("data").getJsonObject("object").put("object", "customer");
    assertEquals(200, statusOf(event));
    assertEquals(before, genpay.redisDigest());
  }

  @Test
  void aWebhookRacingTheBrowsersReconciliationEnqueuesOnce(VertxTestContext test) {
    String sessionId = order(3);
    // Paid at the sandbox (no delivery in this engine), then the webhook and ten status reads race.
    genpay.clickOnCheckoutPage(sessionId, "paid");
    History history = new History(sessionId);
    List<Future<?>> racers = new ArrayList<>();
    racers.add(TestEvents.postSigned(genpay, TestEvents.paid(sessionId)));
    for (int i = 0; i < 10; i++) {
      racers.add(genpay.http.get("/api/webhook-status/" + sessionId).send());
    }
    Future.all(racers).compose(all -> jobsAsync(sessionId)).onComplete(test.succeeding(jobs -> test.verify(() -> {
      assertEquals(3L, jobs);
      assertEquals(List.of("processing"), history.statuses());
      history.close();
      test.completeNow();
    })));
  }

  @Test
  void aMissedWebhookIsReconciledWhenTheBrowserAsks() {
    String sessionId = order(2);
    genpay.clickOnCheckoutPage(sessionId, "paid");
    assertEquals(0, jobs(sessionId), "no webhook came");
    JsonObject snapshot = snapshotViaApi(sessionId);
    assertEquals("processing", snapshot.getString("status"));
    assertEquals(2, jobs(sessionId));
  }

  @Test
  void theSweepReconcilesOldPendingOrders() throws Exception {
    try (TestEngine eager = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false",
        "RECONCILE_AFTER_SECONDS", "0", "GENERATION_WORKER", "false"))) {
      List<String> paid = new ArrayList<>();
      List<String> open = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        HttpResponse<Buffer> created = await(eager.http.post("/api/create-checkout")
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "p" + i)));
        String id = created.bodyAsJsonObject().getString("sessionId");
        if (i % 2 == 0) {
          eager.clickOnCheckoutPage(id, "paid");
          paid.add(id);
        } else {
          open.add(id);
        }
      }
      Promise<JsonObject> swept = Promise.promise();
      eager.engine.vertx().eventBus().<JsonObject>request(Addresses.STRIPE_SWEEP, new JsonObject())
          .onComplete(reply -> swept.handle(reply.map(r -> r.body())));
      assertEquals(5, await(swept.future()).getInteger("reconciled"));
      for (String id : paid) {
        var status = await(eager.redis.send(Request.cmd(Command.HGET).arg(TestKeys.session(id)).arg("status")));
        assertEquals("processing", status.toString());
      }
      for (String id : open) {
        var status = await(eager.redis.send(Request.cmd(Command.HGET).arg(TestKeys.session(id)).arg("status")));
        assertEquals("pending", status.toString());
      }
    }
  }
}
