package genpay.stripe;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.sessions.Order;
import genpay.sessions.SessionRepository;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded random run of 10k orders: every event shuffled, duplicated, some dropped (then reconciled by the
 * sweep). Afterwards every paid order has exactly its N jobs and every unpaid one none.
 */
class WebhookChaosTest {

  private static final long SEED = 20261122L;
  private static final int SESSIONS = 10_000;
  private static final int BATCH = 250;

  private enum Fate { PAID, DECLINED, EXPIRED, OPEN }

  private record Planned(String sessionId, Fate fate, int videos) {
  }

  @Test
  void tenThousandOrdersShuffledDuplicatedAndDroppedEndExactlyRight() throws Exception {
    Random random = new Random(SEED);
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false",
        "RECONCILE_AFTER_SECONDS", "0", "RECONCILE_INTERVAL_SECONDS", "3600", "GENERATION_WORKER", "false"))) {
      StripeSandbox stripe = new StripeSandbox(genpay.redis, genpay.settings(), Clock.systemUTC());
      SessionRepository orders = new SessionRepository(genpay.redis, Clock.systemUTC(), 1);

      List<Fate> fates = new ArrayList<>();
      List<Integer> videos = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        double roll = random.nextDouble();
        fates.add(roll < 0.55 ? Fate.PAID : roll < 0.70 ? Fate.DECLINED : roll < 0.85 ? Fate.EXPIRED : Fate.OPEN);
        videos.add(1 + random.nextInt(3));
      }
      List<Planned> planned = inBatches(SESSIONS, i -> {
        Map<String, String> form = Map.of("mode", "payment",
            "line_items[0][price]", genpay.settings().stripePriceId(),
            "line_items[0][quantity]", String.valueOf(videos.get(i)),
            "success_url", "http://localhost/s/{CHECKOUT_SESSION_ID}", "cancel_url", "http://localhost/c");
        return stripe.createSession(form, null).compose(session -> {
          String id = session.getString("id");
          Order order = new Order(id, "chaos " + i, videos.get(i), "chaos", "Chaos", "en", 0, "usd");
          Future<JsonObject> atStripe = switch (fates.get(i)) {
            case PAID -> stripe.complete(id, "paid", "");
            case DECLINED -> stripe.complete(id, "declined", "");
            case EXPIRED -> stripe.expire(id);
            case OPEN -> Future.succeededFuture(session);
          };
          return orders.create(order).compose(stored -> atStripe)
              .map(done -> new Planned(id, fates.get(i), videos.get(i)));
        });
      });

      List<JsonObject> deliveries = new ArrayList<>();
      Map<String, Boolean> failureDelivered = new HashMap<>();
      for (Planned order : planned) {
        List<JsonObject> events = new ArrayList<>();
        String id = order.sessionId();
        switch (order.fate()) {
          case PAID -> {
            events.add(TestEvents.paid(id));
            if (random.nextDouble() < 0.3) {
              events.add(TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_succeeded", id,
                  "complete", "paid"));
            }
          }
          case DECLINED -> {
            events.add(TestEvents.event(TestEvents.newEventId(), "checkout.session.completed", id, "complete", "unpaid"));
            events.add(TestEvents.event(TestEvents.newEventId(), "checkout.session.async_payment_failed", id,
                "complete", "unpaid"));
          }
          case EXPIRED -> events.add(TestEvents.expired(id));
          case OPEN -> { }
        }
        for (JsonObject event : events) {
          if (random.nextDouble() < 0.15) {
            continue;
          }
          if (event.getString("type").endsWith("async_payment_failed")) {
            failureDelivered.put(id, true);
          }
          int copies = 1 + random.nextInt(3);
          for (int c = 0; c < copies; c++) {
            deliveries.add(event);
          }
        }
      }
      Collections.shuffle(deliveries, random);
      List<Integer> statuses = inBatches(deliveries.size(),
          i -> TestEvents.postSigned(genpay, deliveries.get(i)).map(response -> response.statusCode()));
      assertTrue(statuses.stream().allMatch(status -> status == 200), "every delivery is accepted");

      JsonObject swept = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.STRIPE_SWEEP,
          new JsonObject(), new DeliveryOptions().setSendTimeout(300_000))).body();
      assertTrue(swept.getInteger("reconciled") > 0, "dropped events left orders for the sweep");

      Map<String, Long> jobs = await(StripeWebhookTestSupport.jobsBySession(genpay));
      List<String> finalStatuses = inBatches(planned.size(), i -> genpay.redis.send(
          Request.cmd(Command.HGET).arg(TestKeys.session(planned.get(i).sessionId())).arg("status"))
          .map(Object::toString));
      long expectedJobs = 0;
      for (int i = 0; i < planned.size(); i++) {
        Planned order = planned.get(i);
        long got = jobs.getOrDefault(order.sessionId(), 0L);
        String status = finalStatuses.get(i);
        switch (order.fate()) {
          case PAID -> {
            expectedJobs += order.videos();
            assertEquals(order.videos(), got, "paid " + order.sessionId());
            assertEquals("processing", status);
          }
          case DECLINED -> {
            assertEquals(0, got);
            assertEquals(failureDelivered.containsKey(order.sessionId()) ? "error" : "pending", status);
          }
          case EXPIRED -> {
            assertEquals(0, got);
            assertEquals("expired", status);
          }
          case OPEN -> {
            assertEquals(0, got);
            assertEquals("pending", status);
          }
        }
      }
      long streamLength = TestKeys.total(genpay.redis, Command.XLEN, TestKeys.allJobs());
      assertEquals(expectedJobs, streamLength, "no job was added twice or for an unpaid order");
    }
  }

  /** Runs {@code task} for 0..count-1, at most {@value #BATCH} at once, and keeps the results in order. */
  private static <T> List<T> inBatches(int count, Function<Integer, Future<T>> task) {
    List<T> results = new ArrayList<>(count);
    for (int start = 0; start < count; start += BATCH) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + BATCH); i++) {
        batch.add(task.apply(i));
      }
      await(Future.all(batch));
      batch.forEach(future -> results.add(future.result()));
    }
    return results;
  }
}
