package genpay.refunds;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 paid orders with a third of the videos failing at the provider: every failed video refunded once, the
 * refunded totals equal to what Stripe (the sandbox) gave back, one e-mail per order, and no duplicate anywhere.
 */
class RefundAndMailDrillTest {

  private static final int ORDERS = 200;

  @Test
  void everyFailedVideoIsRefundedOnceAndEveryBuyerHearsOnce() throws Exception {
    long began = System.currentTimeMillis();
    try (TestEngine genpay = TestEngine.start(Map.of("SANDBOX_GENERATION_SECONDS", "1",
        "SANDBOX_PROVIDER_FAULTS", "fail=0.3", "FOLLOW_FIRST_DELAY_MS", "200", "FOLLOW_MAX_DELAY_MS", "500",
        "REFUND_RETRY_SECONDS", "2"))) {
      Set<String> mailed = ConcurrentHashMap.newKeySet();
      Promise<Void> allMailed = Promise.promise();
      var notices = genpay.engine.vertx().eventBus().<JsonObject>consumer(Addresses.MAIL_ATTEMPTED, notice -> {
        if ("sent".equals(notice.body().getString("outcome")) && mailed.add(notice.body().getString("cause"))
            && mailed.size() == ORDERS) {
          allMailed.tryComplete();
        }
      });
      await(notices.completion());

      List<String> sessionIds = new ArrayList<>();
      List<Future<JsonObject>> settled = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        String sessionId = genpay.order(1 + i % 2, "drill order " + i);
        sessionIds.add(sessionId);
        settled.add(genpay.sessionWhere(sessionId, session -> List.of("completed", "error")
            .contains(session.getString("status")) && session.getJsonArray("files").stream()
            .map(JsonObject.class::cast).noneMatch(file -> file.getJsonObject("refund") != null
                && "owed".equals(file.getJsonObject("refund").getString("status")))));
        genpay.payOnCheckoutPage(sessionId, "buyer" + i + "@example.test");
      }
      await(Future.all(settled).timeout(120, TimeUnit.SECONDS), 130);
      await(allMailed.future().timeout(60, TimeUnit.SECONDS), 70);

      int failedVideos = 0;
      long refundedOnOrders = 0;
      long refundedAtStripe = 0;
      List<String> stripeRefundFiles = new ArrayList<>();
      for (String sessionId : sessionIds) {
        JsonObject session = await(genpay.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject();
        for (Object item : session.getJsonArray("files")) {
          JsonObject file = (JsonObject) item;
          boolean failed = !"completed".equals(file.getString("status"));
          failedVideos += failed ? 1 : 0;
          assertEquals(failed, file.getJsonObject("refund") != null, file.encode());
          if (failed) {
            assertEquals("succeeded", file.getJsonObject("refund").getString("status"), file.encode());
          }
        }
        refundedOnOrders += session.getJsonObject("refunded") == null ? 0
            : session.getJsonObject("refunded").getLong("amount");
        String paymentIntent = await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.session(sessionId))
            .arg("paymentIntent"))).toString();
        refundedAtStripe += await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.stripeSandbox("pi", paymentIntent))
            .arg("refunded"))).toLong();
        for (Response refundId : await(genpay.redis.send(Request.cmd(Command.LRANGE)
            .arg(TestKeys.stripeSandbox("refunds", paymentIntent)).arg(0).arg(-1)))) {
          String metadata = await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.stripeSandbox("re", refundId.toString()))
              .arg("metadata"))).toString();
          stripeRefundFiles.add(new JsonObject(metadata).getString("file_id"));
        }
      }
      JsonArray messages = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
      Map<String, Integer> perRecipient = new HashMap<>();
      messages.forEach(message -> perRecipient.merge(((JsonObject) message).getString("to"), 1, Integer::sum));
      int refundDuplicates = stripeRefundFiles.size() - new HashSet<>(stripeRefundFiles).size();
      int mailDuplicates = messages.size() - perRecipient.size();

      assertTrue(failedVideos > 0, "the drill makes videos fail");
      assertEquals(failedVideos, stripeRefundFiles.size(), "one refund at Stripe per failed video");
      assertEquals(0, refundDuplicates);
      assertEquals(failedVideos * genpay.settings().priceAmount(), refundedOnOrders, "orders show what was refunded");
      assertEquals(refundedOnOrders, refundedAtStripe, "and Stripe gave back exactly that");
      assertEquals(ORDERS, messages.size(), "one e-mail per order");
      assertEquals(0, mailDuplicates);
      System.out.printf("refund drill: %d orders, %d videos failed (fail=0.3), %d refunds issued, %d.%02d %s refunded,"
              + " %d e-mails sent, %d duplicate refunds, %d duplicate e-mails; %d s%n", ORDERS, failedVideos,
          stripeRefundFiles.size(), refundedOnOrders / 100, refundedOnOrders % 100, genpay.settings().priceCurrency(),
          messages.size(), refundDuplicates, mailDuplicates, (System.currentTimeMillis() - began) / 1000);
    }
  }
}
